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
    /// revoking the grant refuses the token (RFC 7009 §2.1).
    public func accessToken(id: String, subject: String, clientID: String, scopes: [String], authTime: Date?,
                            sessionID: UUID?, grantID: UUID? = nil, now: Date) throws -> AccessToken {
        let expiresAt = now.addingTimeInterval(settings.accessTokenLifetime.timeInterval)
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: subject, aud: clientID, exp: expiresAt.numericDate, iat: now.numericDate,
            jti: id, clientID: clientID, scope: scopes.isEmpty ? nil : Scope.join(scopes), authTime: authTime?.numericDate,
            sid: sessionID?.uuidString.lowercased(), grantID: grantID?.uuidString.lowercased())
        return AccessToken(token: try signer.sign(payload: claims.jsonBytes, type: TokenType.accessToken),
                           id: id, expiresAt: expiresAt)
    }

    public func idToken(subject: String, clientID: String, nonce: String?, authTime: Date, amr: [String],
                        sessionID: UUID?, accessToken: String, now: Date) throws -> String {
        let claims = IDTokenClaims(
            iss: settings.issuer, sub: subject, aud: clientID,
            exp: now.addingTimeInterval(settings.idTokenLifetime.timeInterval).numericDate, iat: now.numericDate,
            authTime: authTime.numericDate, nonce: nonce, atHash: atHash(accessToken),
            sid: sessionID?.uuidString.lowercased(), amr: amr.isEmpty ? nil : amr,
            acr: amr.isEmpty ? nil : AuthenticationMethods.contextClass(for: amr), azp: clientID)
        return try signer.sign(payload: claims.jsonBytes, type: TokenType.idToken)
    }

    /// OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url.
    public func atHash(_ accessToken: String) -> String {
        Base64URL.encode(crypto.sha256(accessToken).prefix(16))
    }
}
