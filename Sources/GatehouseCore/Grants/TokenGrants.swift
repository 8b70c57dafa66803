/// The grants of the token endpoint (RFC 6749 §3.2, §4): authenticate the client, parse once,
/// dispatch to the grant. HTTP lives in the web layer (`TokenRoute`).
public struct TokenGrants: Sendable {
    let authenticator: ClientAuthenticator
    let authorizationCode: AuthorizationCodeGrant
    let refreshToken: RefreshTokenGrant
    let clientCredentials: ClientCredentialsGrant

    public init(authenticator: ClientAuthenticator, authorizationCode: AuthorizationCodeGrant,
                refreshToken: RefreshTokenGrant, clientCredentials: ClientCredentialsGrant) {
        self.authenticator = authenticator
        self.authorizationCode = authorizationCode
        self.refreshToken = refreshToken
        self.clientCredentials = clientCredentials
    }

    public func handle(form: RequestParameters, authorizationHeader: String?) async throws -> TokenResponse {
        let request = try TokenRequest.parse(form)
        guard let grant = GrantType(rawValue: request.grantType) else {
            throw OAuthError(.unsupportedGrantType, "grant_type \(request.grantType) is not supported")
        }
        let credentials = try ClientCredentials.from(authorizationHeader: authorizationHeader, form: form)
        let client = try await authenticator.authenticate(credentials)
        guard client.allows(grant) else {
            throw OAuthError(.unauthorizedClient, "this client may not use the \(grant.rawValue) grant")
        }
        switch grant {
        case .authorizationCode: return try await authorizationCode.exchange(request, client: client)
        case .refreshToken: return try await refreshToken.exchange(request, client: client)
        case .clientCredentials: return try await clientCredentials.exchange(request, client: client)
        }
    }
}
