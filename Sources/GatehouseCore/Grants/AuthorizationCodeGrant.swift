import Foundation

/// Redeems an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3).
/// The code is swapped atomically for a marker naming what this use issues, so a second use
/// fails and revokes those tokens (RFC 6749 §4.1.2). The swap happens only for a request bound
/// like the code (client, redirect URI, PKCE), checked in the same atomic step: anyone else who
/// learns a code can neither burn it nor, once it is used, revoke what it issued.
/// A refresh token comes only with a consented `offline_access` (`OfflineAccess`); it stays
/// bound to the code's organization. The claims of `organization` and `roles` are read now.
/// A code issued in a support session (`AuthorizationCodeRecord.impersonatorID`) is exchanged
/// only while that session may still be used (`SupportSignIn`, one read of the session and the
/// rule's, for such codes only); its tokens carry `act` and end with the session, no refresh
/// token comes with them, and the exchange is audited.
public struct AuthorizationCodeGrant: Sendable {
    let states: any AuthorizationStateStore
    let refreshTokens: any RefreshTokenStore
    let issuer: TokenIssuer
    let organizationClaims: OrganizationClaimsReader
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let audit: any AuditLog
    let clock: any Clock
    /// Nil: no support sessions here, and a code from one is refused.
    let support: SupportSignIn?

    public init(states: any AuthorizationStateStore, refreshTokens: any RefreshTokenStore, issuer: TokenIssuer,
                organizationClaims: OrganizationClaimsReader, crypto: any CryptoPrimitives, settings: ProviderSettings,
                audit: any AuditLog, clock: any Clock, support: SupportSignIn? = nil) {
        self.states = states
        self.refreshTokens = refreshTokens
        self.issuer = issuer
        self.organizationClaims = organizationClaims
        self.crypto = crypto
        self.settings = settings
        self.audit = audit
        self.clock = clock
        self.support = support
    }

    public func exchange(_ request: Request, client: Client) async throws -> TokenResponse {
        let code = request.code, redirectURI = request.redirectURI
        let now = clock.now
        let accessTokenID = issuer.newTokenID()
        // Chosen before the code is consumed, so the marker names the grant before anything of
        // it exists: a second use that arrives while this exchange still issues revokes the
        // grant, and whatever this exchange stores afterwards is revoked with it.
        let grantID = UUID()
        let presented = CodeBinding(clientID: client.id, redirectURI: redirectURI,
                                    codeChallenge: request.codeVerifier.map(presentedChallenge))
        let marker = CodeUseMarker(
            binding: presented, accessTokenID: accessTokenID,
            accessTokenExpiresAt: now.addingTimeInterval(settings.accessTokenLifetime(for: client).timeInterval), grantID: grantID)

        let record: AuthorizationCodeRecord
        switch try await states.consumeCode(digest: crypto.tokenDigest(code), presented: presented, marker: marker,
                                            markerTTL: settings.accessTokenLifetime + GrantRevocation.inFlightMargin) {
        case .notFound:
            throw OAuthError(.invalidGrant, .codeInvalidOrExpired)
        case .mismatch(let bound):
            // Nothing was consumed or revoked: a request that could not redeem the code (another
            // client, another redirect URI, no proof of the PKCE verifier) must not burn it, nor
            // revoke what its rightful first use issued.
            try checkBinding(bound, presented: presented, verifier: request.codeVerifier)
            throw OAuthError(.invalidGrant, .codeInvalidOrExpired)
        case .alreadyUsed(let earlier):
            try await revoke(earlier, now: now)
            await audit.record(AuditEvent(
                type: .tokenReuseDetected, occurredAt: now, actor: AuditEvent.client(client.id), clientID: client.id,
                details: ["token_type": "authorization_code", "revoked_jti": earlier.accessTokenID,
                          "revoked_grant_id": earlier.grantID.uuidString.lowercased()]))
            throw OAuthError(.invalidGrant, .codeAlreadyUsed)
        case .fresh(let found):
            record = found
        }

        // The store compared the binding already; checked again here, where the rule is written.
        try checkBinding(record.binding, presented: presented, verifier: request.codeVerifier)
        guard record.issuedAt.addingTimeInterval(settings.authorizationCodeLifetime.timeInterval) > now else {
            throw OAuthError(.invalidGrant, .codeInvalidOrExpired)
        }

        // Read now, not when the code was made: a membership ended since then issues nothing.
        let organization: OrganizationClaims
        switch try await organizationClaims.read(userID: record.userID, organizationID: record.organizationID, scopes: record.scopes) {
        case .claims(let claims): organization = claims
        case .membershipEnded: throw OAuthError(.invalidGrant, .organizationMembershipEnded)
        }

        // A support session's code: only while the session may still be used (the rule read again).
        var supportSession: BrowserSession?
        if let impersonatorID = record.impersonatorID {
            guard let support, let live = try await support.liveSession(id: record.sessionID, userID: record.userID,
                                                                        impersonatorID: impersonatorID) else {
                throw OAuthError(.invalidGrant, .supportSessionEnded)
            }
            supportSession = live
        }
        let actor = record.impersonatorID.map(ActingParty.init(impersonatorID:))
        let subject = record.userID.uuidString.lowercased()
        let access = try issuer.accessToken(id: accessTokenID, subject: subject, client: client, scopes: record.scopes,
                                            authTime: record.authTime, sessionID: record.sessionID, grantID: grantID,
                                            organization: organization, actor: actor, notAfter: supportSession?.expiresAt, now: now)
        let idToken = record.scopes.contains(Scope.openid)
            ? try issuer.idToken(subject: subject, clientID: client.id, nonce: record.nonce, authTime: record.authTime,
                                 amr: record.amr, sessionID: record.sessionID, accessToken: access.token,
                                 organization: organization, actor: actor, notAfter: supportSession?.expiresAt, now: now)
            : nil
        if let supportSession {
            await support?.recordTokensIssued(supportSession, clientID: client.id, scopes: record.scopes)
        }
        var refreshToken: String?
        // Never from a support session: nothing issued in one may outlive it.
        if supportSession == nil, OfflineAccess.grantsRefreshToken(scopes: record.scopes, client: client) {
            let token = crypto.randomToken()
            try await refreshTokens.insert(RefreshTokenRecord(
                digest: crypto.tokenDigest(token), familyID: grantID, clientID: client.id, userID: record.userID,
                scopes: record.scopes, sessionID: record.sessionID, authTime: record.authTime, amr: record.amr,
                createdAt: now, expiresAt: now.addingTimeInterval(settings.refreshTokenIdleLifetime(for: client).timeInterval),
                familyExpiresAt: now.addingTimeInterval(settings.refreshTokenAbsoluteLifetime(for: client).timeInterval),
                organizationID: record.organizationID))
            refreshToken = token
        }
        return TokenResponse(accessToken: access.token, expiresIn: Int(access.expiresAt.timeIntervalSince(now).rounded()),
                             scope: Scope.join(record.scopes), refreshToken: refreshToken, idToken: idToken)
    }

    /// What the store compares with the code's `code_challenge`: the S256 transform of the
    /// verifier (RFC 7636 §4.6), or a value no challenge can equal for a malformed verifier.
    func presentedChallenge(_ verifier: String) -> String {
        PKCE.isWellFormed(verifier) ? PKCE.s256Challenge(for: verifier, crypto: crypto) : "!malformed"
    }

    /// The code's binding against the request, each rule with its own error: the client it was
    /// issued to (RFC 6749 §4.1.3), the redirect URI (§4.1.3) and PKCE (RFC 7636 §4.6).
    func checkBinding(_ bound: CodeBinding, presented: CodeBinding, verifier: String?) throws {
        guard bound.clientID == presented.clientID else {
            throw OAuthError(.invalidGrant, .codeIssuedToAnotherClient)
        }
        guard bound.redirectURI == presented.redirectURI else {
            throw OAuthError(.invalidGrant, .redirectURIDiffers)
        }
        try checkPKCE(challenge: bound.codeChallenge, verifier: verifier)
    }

    /// RFC 7636 §4.6; a verifier for a code issued without a challenge is refused too, so a
    /// PKCE downgrade cannot go unnoticed (RFC 9700 §2.1.1).
    func checkPKCE(challenge: String?, verifier: String?) throws {
        switch (challenge, verifier) {
        case (nil, nil):
            return
        case (nil, .some):
            throw OAuthError(.invalidGrant, .unexpectedCodeVerifier)
        case (.some, nil):
            throw OAuthError(.invalidGrant, .missingParameter(.codeVerifier))
        case (.some(let challenge), .some(let verifier)):
            guard PKCE.verify(verifier: verifier, challenge: challenge, crypto: crypto) else {
                throw OAuthError(.invalidGrant, .codeVerifierMismatch)
            }
        }
    }

    /// A second use: the first use's access token by its id, and its whole grant (RFC 6749
    /// §4.1.2), so tokens refreshed since, and a refresh token the first use stores only now,
    /// are revoked too.
    func revoke(_ marker: CodeUseMarker, now: Date) async throws {
        try await states.revokeAccessToken(id: marker.accessTokenID, until: marker.accessTokenExpiresAt, now: now)
        try await GrantRevocation(states: states, refreshTokens: refreshTokens, settings: settings).revoke(grantID: marker.grantID, at: now)
    }
}

extension AuthorizationCodeGrant {
    /// RFC 6749 §4.1.3 with RFC 7636 §4.5: the code, the redirect URI it was requested for, and
    /// the PKCE verifier when the authorization request had a challenge.
    public struct Request: Sendable, Equatable {
        public var code: String
        public var redirectURI: String
        public var codeVerifier: String?

        public init(code: String, redirectURI: String, codeVerifier: String?) {
            self.code = code
            self.redirectURI = redirectURI
            self.codeVerifier = codeVerifier
        }
    }
}
