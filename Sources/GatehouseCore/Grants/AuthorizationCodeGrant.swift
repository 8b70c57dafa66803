import Foundation

/// Redeems an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3).
/// The code is swapped atomically for a marker naming what this use issues, so a second use
/// fails and revokes those tokens (RFC 6749 §4.1.2).
public struct AuthorizationCodeGrant: Sendable {
    let states: any AuthorizationStateStore
    let refreshTokens: any RefreshTokenStore
    let issuer: TokenIssuer
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let audit: any AuditLog
    let clock: any Clock

    public init(states: any AuthorizationStateStore, refreshTokens: any RefreshTokenStore, issuer: TokenIssuer,
                crypto: any CryptoPrimitives, settings: ProviderSettings, audit: any AuditLog, clock: any Clock) {
        self.states = states
        self.refreshTokens = refreshTokens
        self.issuer = issuer
        self.crypto = crypto
        self.settings = settings
        self.audit = audit
        self.clock = clock
    }

    public func exchange(_ request: TokenRequest, client: Client) async throws -> TokenResponse {
        guard let code = request.code else { throw OAuthError(.invalidRequest, "code is required") }
        guard let redirectURI = request.redirectURI else { throw OAuthError(.invalidRequest, "redirect_uri is required") }
        let now = clock.now
        let accessTokenID = issuer.newTokenID()
        let familyID = client.allows(.refreshToken) ? UUID() : nil
        let marker = CodeUseMarker(
            accessTokenID: accessTokenID,
            accessTokenExpiresAt: now.addingTimeInterval(settings.accessTokenLifetime.timeInterval),
            refreshFamilyID: familyID)

        let record: AuthorizationCodeRecord
        switch try await states.consumeCode(digest: crypto.tokenDigest(code), marker: marker,
                                            markerTTL: settings.accessTokenLifetime + .seconds(60)) {
        case .notFound:
            throw OAuthError(.invalidGrant, "the code is invalid or expired")
        case .alreadyUsed(let earlier):
            try await revoke(earlier, now: now)
            await audit.record(AuditEvent(
                type: .tokenReuseDetected, occurredAt: now, actor: AuditEvent.client(client.id), clientID: client.id,
                details: ["token_type": "authorization_code", "revoked_jti": earlier.accessTokenID,
                          "revoked_family_id": earlier.refreshFamilyID?.uuidString.lowercased() ?? "none"]))
            throw OAuthError(.invalidGrant, "the code was already used; the tokens it issued are revoked")
        case .fresh(let found):
            record = found
        }

        guard record.clientID == client.id else {
            throw OAuthError(.invalidGrant, "the code was issued to another client")
        }
        guard record.issuedAt.addingTimeInterval(settings.authorizationCodeLifetime.timeInterval) > now else {
            throw OAuthError(.invalidGrant, "the code is invalid or expired")
        }
        guard record.redirectURI == redirectURI else {
            throw OAuthError(.invalidGrant, "redirect_uri differs from the one in the authorization request")
        }
        try checkPKCE(record, verifier: request.codeVerifier)

        let subject = record.userID.uuidString.lowercased()
        let access = try issuer.accessToken(id: accessTokenID, subject: subject, clientID: client.id, scopes: record.scopes,
                                            authTime: record.authTime, sessionID: record.sessionID, now: now)
        let idToken = record.scopes.contains(Scope.openid)
            ? try issuer.idToken(subject: subject, clientID: client.id, nonce: record.nonce, authTime: record.authTime,
                                 amr: record.amr, sessionID: record.sessionID, accessToken: access.token, now: now)
            : nil
        var refreshToken: String?
        if let familyID {
            let token = crypto.randomToken()
            try await refreshTokens.insert(RefreshTokenRecord(
                digest: crypto.tokenDigest(token), familyID: familyID, clientID: client.id, userID: record.userID,
                scopes: record.scopes, sessionID: record.sessionID, authTime: record.authTime, amr: record.amr,
                createdAt: now, expiresAt: now.addingTimeInterval(settings.refreshTokenIdleLifetime.timeInterval),
                familyExpiresAt: now.addingTimeInterval(settings.refreshTokenAbsoluteLifetime.timeInterval)))
            refreshToken = token
        }
        return TokenResponse(accessToken: access.token, expiresIn: Int(settings.accessTokenLifetime.timeInterval),
                             scope: Scope.join(record.scopes), refreshToken: refreshToken, idToken: idToken)
    }

    /// RFC 7636 §4.6; a verifier for a code issued without a challenge is refused too, so a
    /// PKCE downgrade cannot go unnoticed (RFC 9700 §2.1.1).
    func checkPKCE(_ record: AuthorizationCodeRecord, verifier: String?) throws {
        switch (record.codeChallenge, verifier) {
        case (nil, nil):
            return
        case (nil, .some):
            throw OAuthError(.invalidGrant, "code_verifier was sent but the authorization request had no code_challenge")
        case (.some, nil):
            throw OAuthError(.invalidGrant, "code_verifier is required")
        case (.some(let challenge), .some(let verifier)):
            guard PKCE.verify(verifier: verifier, challenge: challenge, crypto: crypto) else {
                throw OAuthError(.invalidGrant, "code_verifier does not match the code_challenge")
            }
        }
    }

    func revoke(_ marker: CodeUseMarker, now: Date) async throws {
        try await states.revokeAccessToken(id: marker.accessTokenID, until: marker.accessTokenExpiresAt, now: now)
        if let family = marker.refreshFamilyID {
            try await refreshTokens.revokeFamily(family, at: now)
        }
    }
}
