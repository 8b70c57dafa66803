import Foundation

/// The revocation endpoint's logic (RFC 7009 §2): the client authenticates as at the token
/// endpoint, then the token it names stops working.
///
/// - An access token (our JWS) has its `jti` refused until it would have expired anyway.
/// - A refresh token takes its whole grant with it (RFC 7009 §2.1: revoking a refresh token
///   "SHOULD" also end what was issued on the same grant): the rotation family, and every access
///   token issued from the grant, which `/userinfo` and `/introspect` then refuse.
/// - A token that is unknown, malformed, expired or already revoked gets the same 200 (§2.2):
///   the answer tells the caller nothing about tokens.
/// - A token issued to another client is left alone, still with 200. RFC 7009 §2.1 lets the
///   server refuse it with an error; answering alike keeps a client from probing which tokens
///   exist, and revocation is only ever the owner's business.
public struct TokenRevocation: Sendable {
    let authenticator: ClientAuthenticator
    let bearer: BearerTokenValidator
    let states: any AuthorizationStateStore
    let refreshTokens: any RefreshTokenStore
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let audit: any AuditLog
    let clock: any Clock

    public init(authenticator: ClientAuthenticator, bearer: BearerTokenValidator, states: any AuthorizationStateStore,
                refreshTokens: any RefreshTokenStore, crypto: any CryptoPrimitives, settings: ProviderSettings,
                audit: any AuditLog, clock: any Clock) {
        self.authenticator = authenticator
        self.bearer = bearer
        self.states = states
        self.refreshTokens = refreshTokens
        self.crypto = crypto
        self.settings = settings
        self.audit = audit
        self.clock = clock
    }

    public func handle(_ presented: PresentedToken, credentials: ClientCredentials) async throws {
        let client = try await authenticator.authenticate(credentials)
        let now = clock.now
        if let claims = try? bearer.issuedClaims(presented.token) {
            guard claims.clientID == client.id else { return }
            let expiresAt = Date(timeIntervalSince1970: TimeInterval(claims.exp))
            guard expiresAt > now, try await !states.isAccessTokenRevoked(id: claims.jti, grantID: claims.grant) else { return }
            try await states.revokeAccessToken(id: claims.jti, until: expiresAt, now: now)
            await audit.record(AuditEvent(type: .tokenRevoked, occurredAt: now, actor: AuditEvent.client(client.id),
                                          subject: UUID(uuidString: claims.sub), clientID: client.id,
                                          details: ["token_type": "access_token", "jti": claims.jti]))
            return
        }
        guard let stored = try await refreshTokens.find(digest: crypto.tokenDigest(presented.token)),
              stored.record.clientID == client.id, stored.revokedAt == nil else { return }
        try await GrantRevocation(states: states, refreshTokens: refreshTokens, settings: settings)
            .revoke(grantID: stored.record.familyID, at: now)
        await audit.record(AuditEvent(type: .tokenRevoked, occurredAt: now, actor: AuditEvent.client(client.id),
                                      subject: stored.record.userID, clientID: client.id,
                                      details: ["token_type": "refresh_token", "family_id": stored.record.familyID.uuidString.lowercased()]))
    }
}
