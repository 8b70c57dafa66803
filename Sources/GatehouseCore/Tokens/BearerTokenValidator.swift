import Foundation

/// Validates an access token presented as a bearer token (RFC 6750, RFC 9068 §4): our
/// signature, `typ: at+jwt` (so an ID token is refused), our issuer, not expired, not revoked —
/// neither the token itself nor the grant it was issued from.
public struct BearerTokenValidator: Sendable {
    let verifier: any TokenVerifier
    let states: any AuthorizationStateStore
    let issuer: String
    let clock: any Clock

    public init(verifier: any TokenVerifier, states: any AuthorizationStateStore, issuer: String, clock: any Clock) {
        self.verifier = verifier
        self.states = states
        self.issuer = issuer
        self.clock = clock
    }

    public func validate(_ token: String) async throws -> AccessTokenClaims {
        let claims = try issuedClaims(token)
        let invalid = { (reason: OAuthError.Reason) in OAuthError(.invalidToken, reason) }
        guard claims.exp > clock.now.numericDate else { throw invalid(.accessTokenExpired) }
        // The token's own id and its grant's (RFC 7009 §2.1) in one round trip.
        guard try await !states.isAccessTokenRevoked(id: claims.jti, grantID: claims.grant) else {
            throw invalid(.accessTokenRevoked)
        }
        return claims
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
