import Foundation

/// The introspection endpoint's logic (RFC 7662 §2): a resource server or client asks whether
/// a token is live and what it carries.
///
/// Only confidential clients may ask (RFC 7662 §2.1 requires the caller to be authorized; a
/// public client proves nothing by naming its id). A client learns about a token only when the
/// token was issued to it or names it as audience; for anything else, as for anything dead or
/// unknown, the answer is `{"active": false}` (§2.2), so the endpoint cannot be used to probe
/// other clients' tokens.
///
/// A personal access token (`ghpat_…`, `APIKeys`) is issued to no client: any confidential
/// client may ask about one (a resource server its owner hands it to must), and learns it is
/// active with the scopes its owner still holds, or `{"active": false}` when it is revoked,
/// expired, unknown or its owner may not act.
public struct TokenIntrospection: Sendable {
    let authenticator: ClientAuthenticator
    let bearer: BearerTokenValidator
    let refreshTokens: any RefreshTokenStore
    let crypto: any CryptoPrimitives
    let issuer: String
    let clock: any Clock
    let apiKeys: APIKeys?

    public init(authenticator: ClientAuthenticator, bearer: BearerTokenValidator, refreshTokens: any RefreshTokenStore,
                crypto: any CryptoPrimitives, issuer: String, clock: any Clock, apiKeys: APIKeys? = nil) {
        self.authenticator = authenticator
        self.bearer = bearer
        self.refreshTokens = refreshTokens
        self.crypto = crypto
        self.issuer = issuer
        self.clock = clock
        self.apiKeys = apiKeys
    }

    public func handle(_ presented: PresentedToken, credentials: ClientCredentials) async throws -> IntrospectionResponse {
        let client = try await authenticator.authenticate(credentials)
        guard !client.isPublic else {
            throw OAuthError(.invalidClient, .introspectionNeedsConfidentialClient)
        }
        if let apiKeys, APIKeyToken.looksLikeKey(presented.token) {
            do {
                return IntrospectionResponse(apiKey: try await apiKeys.authenticate(presented.token, for: .introspection), issuer: issuer)
            } catch is OAuthError {
                return .inactive
            }
        }
        // An access token passes exactly the checks userinfo makes: signature, typ at+jwt, iss,
        // exp and the revocation list. Anything else may be a refresh token. (A store that cannot
        // answer is a server error, never "inactive".)
        let accessClaims: AccessTokenClaims?
        do {
            accessClaims = try await bearer.validate(presented.token)
        } catch is OAuthError {
            accessClaims = nil
        }
        if let claims = accessClaims {
            guard claims.clientID == client.id || claims.aud == client.id else { return .inactive }
            return IntrospectionResponse(accessToken: claims)
        }
        guard let stored = try await refreshTokens.find(digest: crypto.tokenDigest(presented.token)),
              stored.isActive(at: clock.now), stored.record.clientID == client.id else { return .inactive }
        return IntrospectionResponse(refreshToken: stored, issuer: issuer)
    }
}

/// The introspection answer (RFC 7662 §2.2). Inactive tokens carry nothing but `active`.
public struct IntrospectionResponse: Encodable, Sendable, Equatable {
    public var active: Bool
    public var scope: String?
    public var clientID: String?
    public var sub: String?
    public var exp: Int?
    public var iat: Int?
    public var iss: String?
    public var aud: String?
    /// `Bearer` for access tokens (the RFC 6749 §7.1 type, as RFC 7662 §2.2 asks);
    /// `refresh_token` for refresh tokens, which have no such type.
    public var tokenType: String?
    public var jti: String?
    /// The administrator acting as `sub` in a support session (RFC 8693 §4.1, which names the
    /// claim for introspection responses too).
    public var act: ActingParty?

    public static let inactive = IntrospectionResponse(active: false)

    init(active: Bool) {
        self.active = active
    }

    init(accessToken claims: AccessTokenClaims) {
        active = true
        scope = claims.scope
        clientID = claims.clientID
        sub = claims.sub
        exp = claims.exp
        iat = claims.iat
        iss = claims.iss
        aud = claims.aud
        tokenType = "Bearer"
        jti = claims.jti
        act = claims.act
    }

    init(refreshToken stored: StoredRefreshToken, issuer: String) {
        active = true
        scope = stored.record.scopes.isEmpty ? nil : Scope.join(stored.record.scopes)
        clientID = stored.record.clientID
        sub = stored.record.userID.uuidString.lowercased()
        exp = stored.expiresAt.numericDate
        iat = stored.record.createdAt.numericDate
        iss = issuer
        aud = stored.record.clientID
        tokenType = "refresh_token"
    }

    /// A personal access token: `Bearer` (it is presented as one), its id as `jti`, no client;
    /// `scope` is what it can do now (absent when its owner holds none of its scopes any more).
    init(apiKey live: APIKeys.LiveKey, issuer: String) {
        active = true
        scope = live.scopes.isEmpty ? nil : Scope.join(live.scopes)
        sub = live.key.userID.uuidString.lowercased()
        exp = live.key.expiresAt.numericDate
        iat = live.key.createdAt.numericDate
        iss = issuer
        tokenType = "Bearer"
        jti = live.key.id.uuidString.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case active, scope, sub, exp, iat, iss, aud, jti, act
        case clientID = "client_id"
        case tokenType = "token_type"
    }
}
