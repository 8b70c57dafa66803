/// The client credentials grant (RFC 6749 §4.4): a confidential client acting for itself.
/// No ID token and no refresh token (RFC 6749 §4.4.3).
public struct ClientCredentialsGrant: Sendable {
    let issuer: TokenIssuer
    let settings: ProviderSettings
    let clock: any Clock

    public init(issuer: TokenIssuer, settings: ProviderSettings, clock: any Clock) {
        self.issuer = issuer
        self.settings = settings
        self.clock = clock
    }

    public func exchange(_ request: Request, client: Client) async throws -> TokenResponse {
        guard !client.isPublic else {
            throw OAuthError(.unauthorizedClient, .publicClientCredentials)
        }
        guard let requested = Scope.parse(request.scope) else {
            throw OAuthError(.invalidScope, .malformedScope)
        }
        // User-facing scopes mean nothing without a user.
        let permitted = client.permittedScopes.subtracting(Scope.standard)
        guard requested.allSatisfy(permitted.contains) else {
            throw OAuthError(.invalidScope, .scopeNotAvailable)
        }
        let access = try issuer.accessToken(id: issuer.newTokenID(), subject: client.id, client: client,
                                            scopes: requested, authTime: nil, sessionID: nil, now: clock.now)
        return TokenResponse(accessToken: access.token, expiresIn: Int(settings.accessTokenLifetime(for: client).timeInterval),
                             scope: Scope.join(requested), refreshToken: nil, idToken: nil)
    }
}

extension ClientCredentialsGrant {
    /// RFC 6749 §4.4.2: only a `scope`, as sent.
    public struct Request: Sendable, Equatable {
        public var scope: String?

        public init(scope: String?) {
            self.scope = scope
        }
    }
}
