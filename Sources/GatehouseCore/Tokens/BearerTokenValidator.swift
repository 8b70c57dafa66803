import Foundation

/// Validates an access token presented as a bearer token (RFC 6750, RFC 9068 §4): our
/// signature, `typ: at+jwt` (so an ID token is refused), our issuer, not expired, not revoked —
/// neither the token itself nor the grant it was issued from — and, for a token issued to a user,
/// that the user still stands behind it (`AccountStanding`: active, and the token issued after
/// the account's `credentialsNotBefore`), read from the database on every call. A token issued in
/// a support session (`act`) lives only as long as that session may still be used (`SupportSignIn`:
/// its row and the rule read again — for such tokens only; a plain token costs nothing more).
public struct BearerTokenValidator: Sendable {
    let verifier: any TokenVerifier
    let states: any AuthorizationStateStore
    let users: any UserStore
    let issuer: String
    let clock: any Clock
    /// Nil: no support sessions here, and a token with `act` is refused.
    let support: SupportSignIn?

    public init(verifier: any TokenVerifier, states: any AuthorizationStateStore, users: any UserStore, issuer: String,
                clock: any Clock, support: SupportSignIn? = nil) {
        self.verifier = verifier
        self.states = states
        self.users = users
        self.issuer = issuer
        self.clock = clock
        self.support = support
    }

    /// A live access token: its claims and, when it was issued to a user, that user as stored now.
    public struct Validated: Sendable {
        public var claims: AccessTokenClaims
        /// Nil for a client's own token (`client_credentials`), which speaks for no user.
        public var holder: User?
    }

    public func validate(_ token: String) async throws -> AccessTokenClaims {
        try await validated(token).claims
    }

    /// Every check, returning the user row read for the last one, so a caller that needs the user
    /// (`/userinfo`) reads it once.
    public func validated(_ token: String) async throws -> Validated {
        let claims = try issuedClaims(token)
        let invalid = { (reason: OAuthError.Reason) in OAuthError(.invalidToken, reason) }
        guard claims.exp > clock.now.numericDate else { throw invalid(.accessTokenExpired) }
        // The token's own id and its grant's (RFC 7009 §2.1) in one round trip.
        guard try await !states.isAccessTokenRevoked(id: claims.jti, grantID: claims.grant) else {
            throw invalid(.accessTokenRevoked)
        }
        guard let userID = try? claims.userID() else { return Validated(claims: claims, holder: nil) }
        // One read by primary key: the user is gone (erased), suspended, deactivated, or the
        // token predates a suspension since undone: the token no longer speaks for anyone.
        guard let user = try await users.find(id: userID) else { throw invalid(.accessTokenUserGone) }
        // The earlier of the token's issue and its sign-in: a token minted after a suspension
        // from a sign-in before it (a code redeemed late) is as dead as the sign-in.
        guard AccountStanding.admits(user, issuedAt: min(claims.iat, claims.authTime ?? claims.iat)) else {
            throw invalid(.accessTokenAccountNotActive)
        }
        if let act = claims.act {
            guard let support, let sessionID = claims.sid.flatMap(UUID.init(uuidString:)),
                  let impersonatorID = UUID(uuidString: act.sub),
                  try await support.liveSession(id: sessionID, userID: userID, impersonatorID: impersonatorID) != nil else {
                throw invalid(.supportSessionEnded)
            }
        }
        return Validated(claims: claims, holder: user)
    }

    /// The claims of an access token we issued (signature, `typ`, issuer), whether or not it
    /// has expired or was revoked: what revocation needs to find its `jti` and client.
    public func issuedClaims(_ token: String) throws(OAuthError) -> AccessTokenClaims {
        let invalid = { (reason: OAuthError.Reason) in OAuthError(.invalidToken, reason) }
        guard let verified = try? verifier.verify(token) else {
            // Only on this failure path: a personal access token gets words that say where it works.
            throw invalid(APIKeyToken.looksLikeKey(token) ? .apiKeyNotAccepted : .accessTokenUnverifiable)
        }
        guard verified.type == TokenType.accessToken else {
            throw invalid(.notAnAccessToken)
        }
        guard let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(verified.payload)) else {
            throw invalid(.accessTokenMalformed)
        }
        guard claims.iss == issuer else { throw invalid(.accessTokenFromAnotherIssuer) }
        return claims
    }
}
