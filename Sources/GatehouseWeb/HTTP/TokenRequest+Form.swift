import GatehouseCore

extension TokenRequest {
    /// Reads a token request from its form (RFC 6749 §3.2, §4.1.3, §4.4.2, §6), in the order the
    /// answers are given: a repeated parameter (§3.2), a missing or unknown `grant_type`, then the
    /// fields the grant requires. The client's credentials are read apart (`ClientCredentials`).
    init(form: RequestParameters) throws(OAuthError) {
        if let name = form.repeatedNames.first {
            throw OAuthError(.invalidRequest, .repeatedParameter(ParameterName(rawValue: name)))
        }
        guard let text = form["grant_type"] else {
            throw OAuthError(.invalidRequest, .missingParameter(.grantType))
        }
        guard let grant = GrantType(rawValue: text) else {
            throw OAuthError(.unsupportedGrantType, .unsupportedGrantType)
        }
        switch grant {
        case .authorizationCode:
            self = .authorizationCode(.init(code: try Self.required(.code, in: form),
                                            redirectURI: try Self.required(.redirectURI, in: form),
                                            codeVerifier: form["code_verifier"]))
        case .refreshToken:
            self = .refreshToken(.init(refreshToken: try Self.required(.refreshToken, in: form), scope: form["scope"]))
        case .clientCredentials:
            self = .clientCredentials(.init(scope: form["scope"]))
        }
    }

    private static func required(_ name: ParameterName, in form: RequestParameters) throws(OAuthError) -> String {
        guard let value = form[name.rawValue] else { throw OAuthError(.invalidRequest, .missingParameter(name)) }
        return value
    }
}
