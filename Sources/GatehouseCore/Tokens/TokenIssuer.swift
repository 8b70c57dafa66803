import Foundation

/// Mints the signed tokens: RFC 9068 access tokens and OIDC ID tokens. Refresh tokens are
/// opaque and live in `RefreshTokenStore`.
public struct TokenIssuer: Sendable {
    let settings: ProviderSettings
    let signer: any TokenSigner
    let crypto: any CryptoPrimitives

    public init(settings: ProviderSettings, signer: any TokenSigner, crypto: any CryptoPrimitives) {
        self.settings = settings
        self.signer = signer
        self.crypto = crypto
    }

    public struct AccessToken: Sendable {
        public let token: String
        public let id: String
        public let expiresAt: Date
    }

    /// A new, unpredictable `jti`.
    public func newTokenID() -> String { crypto.randomToken(byteCount: 16) }

    /// `grantID` names the grant the token belongs to (nil for `client_credentials`), so that
    /// revoking the grant refuses the token (RFC 7009 §2.1). `organization` is what the scopes
    /// `organization` and `roles` add (`OrganizationClaimsReader`). The lifetime is the client's
    /// (`ProviderSettings.accessTokenLifetime(for:)`). In a support session `actor` names the
    /// administrator (`act`) and `notAfter` is the session's end: the token expires with it.
    public func accessToken(id: String, subject: String, client: Client, scopes: [String], authTime: Date?,
                            sessionID: UUID?, grantID: UUID? = nil, organization: OrganizationClaims = .none,
                            actor: ActingParty? = nil, notAfter: Date? = nil, now: Date) throws -> AccessToken {
        let clientID = client.id
        let lifetimeEnd = now.addingTimeInterval(settings.accessTokenLifetime(for: client).timeInterval)
        let expiresAt = notAfter.map { min($0, lifetimeEnd) } ?? lifetimeEnd
        var claims = AccessTokenClaims(
            iss: settings.issuer, sub: subject, aud: clientID, exp: expiresAt.numericDate, iat: now.numericDate,
            jti: id, clientID: clientID, scope: scopes.isEmpty ? nil : Scope.join(scopes), authTime: authTime?.numericDate,
            sid: sessionID?.uuidString.lowercased(), grantID: grantID?.uuidString.lowercased(),
            orgID: organization.organizationID?.uuidString.lowercased(), roles: organization.roles,
            permissions: organization.permissions)
        // Gatehouse's own API is a resource server the token is then meant for, too.
        if scopes.contains(Scope.manage) { claims.resourceAudiences = [Scope.manage] }
        claims.act = actor
        return AccessToken(token: try signer.sign(payload: claims.jsonBytes, type: TokenType.accessToken),
                           id: id, expiresAt: expiresAt)
    }

    public func idToken(subject: String, clientID: String, nonce: String?, authTime: Date, amr: [String],
                        sessionID: UUID?, accessToken: String, organization: OrganizationClaims = .none,
                        actor: ActingParty? = nil, notAfter: Date? = nil, now: Date) throws -> String {
        let lifetimeEnd = now.addingTimeInterval(settings.idTokenLifetime.timeInterval)
        var claims = IDTokenClaims(
            iss: settings.issuer, sub: subject, aud: clientID,
            exp: (notAfter.map { min($0, lifetimeEnd) } ?? lifetimeEnd).numericDate, iat: now.numericDate,
            authTime: authTime.numericDate, nonce: nonce, atHash: atHash(accessToken),
            sid: sessionID?.uuidString.lowercased(), amr: amr.isEmpty ? nil : amr,
            acr: amr.isEmpty ? nil : AuthenticationMethods.contextClass(for: amr), azp: clientID)
        // Scope `organization`: who the organization is; scope `roles`: the roles (permissions
        // go to access tokens only: they are for resource servers).
        claims.orgID = organization.organization?.id.uuidString.lowercased()
        claims.orgSlug = organization.organization?.slug
        claims.orgName = organization.organization?.name
        claims.roles = organization.roles
        claims.act = actor
        return try signer.sign(payload: claims.jsonBytes, type: TokenType.idToken)
    }

    /// OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url.
    public func atHash(_ accessToken: String) -> String {
        Base64URL.encode(crypto.sha256(accessToken).prefix(16))
    }
}
