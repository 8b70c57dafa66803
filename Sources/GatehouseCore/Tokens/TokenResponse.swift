/// A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
public struct TokenResponse: Sendable, Encodable, Equatable {
    public var accessToken: String
    public var tokenType = "Bearer"
    public var expiresIn: Int
    /// Omitted when no scope was granted.
    public var scope: String?
    public var refreshToken: String?
    public var idToken: String?

    public init(accessToken: String, expiresIn: Int, scope: String, refreshToken: String?, idToken: String?) {
        self.accessToken = accessToken
        self.expiresIn = expiresIn
        self.scope = scope.isEmpty ? nil : scope
        self.refreshToken = refreshToken
        self.idToken = idToken
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
        case refreshToken = "refresh_token"
        case idToken = "id_token"
    }
}

extension TokenResponse {
    /// The response body (RFC 6749 §5.1), keys sorted.
    public var jsonBytes: [UInt8] {
        var json = JSONObjectWriter()
        json.write("access_token", accessToken)
        json.write("expires_in", expiresIn)
        json.write("id_token", idToken)
        json.write("refresh_token", refreshToken)
        json.write("scope", scope)
        json.write("token_type", tokenType)
        return json.finish()
    }
}
