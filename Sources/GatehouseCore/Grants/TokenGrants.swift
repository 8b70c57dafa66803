/// The grants of the token endpoint (RFC 6749 §3.2, §4): authenticate the client, check it may
/// use the grant, dispatch to the grant. The web layer reads the request and the credentials from
/// HTTP (`TokenRequest`, `ClientCredentials`) before anything here runs (`TokenRoute`).
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

    public func handle(_ request: TokenRequest, credentials: ClientCredentials) async throws -> TokenResponse {
        let client = try await authenticator.authenticate(credentials)
        guard client.allows(request.grantType) else {
            throw OAuthError(.unauthorizedClient, .grantNotAllowed(request.grantType))
        }
        switch request {
        case .authorizationCode(let request): return try await authorizationCode.exchange(request, client: client)
        case .refreshToken(let request): return try await refreshToken.exchange(request, client: client)
        case .clientCredentials(let request): return try await clientCredentials.exchange(request, client: client)
        }
    }
}
