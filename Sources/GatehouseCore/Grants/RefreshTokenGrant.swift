import Foundation

/// Exchanges a refresh token (RFC 6749 §6) with rotation on every use and reuse detection that
/// revokes the family (RFC 9700 §4.14.2) — the whole grant, its access tokens included. The
/// family keeps the organization it was issued for; its roles are read again at every use.
public struct RefreshTokenGrant: Sendable {
    let refreshTokens: any RefreshTokenStore
    let states: any AuthorizationStateStore
    let issuer: TokenIssuer
    let organizationClaims: OrganizationClaimsReader
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let audit: any AuditLog
    let clock: any Clock

    public init(refreshTokens: any RefreshTokenStore, states: any AuthorizationStateStore, issuer: TokenIssuer,
                organizationClaims: OrganizationClaimsReader, crypto: any CryptoPrimitives, settings: ProviderSettings,
                audit: any AuditLog, clock: any Clock) {
        self.refreshTokens = refreshTokens
        self.states = states
        self.issuer = issuer
        self.organizationClaims = organizationClaims
        self.crypto = crypto
        self.settings = settings
        self.audit = audit
        self.clock = clock
    }

    public func exchange(_ request: Request, client: Client) async throws -> TokenResponse {
        let presented = request.refreshToken
        guard let requestedScopes = Scope.parse(request.scope) else {
            throw OAuthError(.invalidScope, .malformedScope)
        }
        let now = clock.now
        let newToken = crypto.randomToken()
        // The scope is checked inside the rotation, before anything is committed: a refused
        // request must leave the presented token usable (RFC 6749 §6 allows narrowing only).
        let outcome = try await refreshTokens.rotate(RefreshRotationRequest(
            digest: crypto.tokenDigest(presented), clientID: client.id, replacementDigest: crypto.tokenDigest(newToken), now: now,
            replacementExpiresAt: now.addingTimeInterval(settings.refreshTokenIdleLifetime(for: client).timeInterval),
            requestedScopes: requestedScopes))
        let record: RefreshTokenRecord, heldClaims: MemberClaims?
        switch outcome {
        case .rotated(let replacement, let claims): (record, heldClaims) = (replacement, claims)
        case .notFound, .expired, .revoked: throw OAuthError(.invalidGrant, .refreshTokenInvalid)
        case .reused(let familyID):
            // The store revoked the family's refresh tokens; the grant's access tokens go too
            // (the family id is the grant id they carry). The audit names whose it was.
            try await GrantRevocation(states: states, refreshTokens: refreshTokens, settings: settings)
                .revoke(grantID: familyID, at: now)
            let owner = try await refreshTokens.find(digest: crypto.tokenDigest(presented))?.record.userID
            await audit.record(AuditEvent(
                type: .tokenReuseDetected, occurredAt: now, actor: AuditEvent.client(client.id), subject: owner, clientID: client.id,
                details: ["token_type": "refresh_token", "revoked_family_id": familyID.uuidString.lowercased()]))
            throw OAuthError(.invalidGrant, .refreshTokenReused)
        case .refused: throw OAuthError(.invalidScope, .scopeExceedsGrant)
        }
        // RFC 6749 §6: the access token may be narrowed; the refresh token keeps the family's scope.
        let scopes = requestedScopes.isEmpty ? record.scopes : requestedScopes
        // Roles are read at every use (a role taken away is gone from this token on), for the
        // family's own organization: a refresh never moves a grant to another organization.
        let organization: OrganizationClaims
        switch try await organizationClaims.read(userID: record.userID, organizationID: record.organizationID, scopes: scopes,
                                                 grantScopes: record.scopes, alreadyRead: heldClaims) {
        case .claims(let claims):
            organization = claims
        case .membershipEnded:
            // The user left the organization this grant acts for: the grant ends with it.
            try await GrantRevocation(states: states, refreshTokens: refreshTokens, settings: settings)
                .revoke(grantID: record.familyID, at: now)
            throw OAuthError(.invalidGrant, .organizationMembershipEnded)
        }
        // No user lookup: the store never rotates a token whose user is gone (`.notFound`).
        let subject = record.userID.uuidString.lowercased()
        let access = try issuer.accessToken(id: issuer.newTokenID(), subject: subject, client: client, scopes: scopes,
                                            authTime: record.authTime, sessionID: record.sessionID,
                                            grantID: record.familyID, organization: organization, now: now)
        // OIDC Core §12.2: a refreshed ID token keeps auth_time and carries no nonce.
        let idToken = scopes.contains(Scope.openid)
            ? try issuer.idToken(subject: subject, clientID: client.id, nonce: nil, authTime: record.authTime,
                                 amr: record.amr, sessionID: record.sessionID, accessToken: access.token,
                                 organization: organization, now: now)
            : nil
        return TokenResponse(accessToken: access.token, expiresIn: Int(settings.accessTokenLifetime(for: client).timeInterval),
                             scope: Scope.join(scopes), refreshToken: newToken, idToken: idToken)
    }
}

extension RefreshTokenGrant {
    /// RFC 6749 §6: the refresh token and, to narrow the access token, a `scope` as sent
    /// (checked by the grant: `invalid_scope` is its answer, not a syntax error).
    public struct Request: Sendable, Equatable {
        public var refreshToken: String
        public var scope: String?

        public init(refreshToken: String, scope: String?) {
            self.refreshToken = refreshToken
            self.scope = scope
        }
    }
}
