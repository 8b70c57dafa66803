import Foundation

/// Ends a grant: everything issued from one authorization code — the access tokens of its
/// exchange and of every refresh that followed, and the refresh-token family (whose id is the
/// grant id). RFC 7009 §2.1 asks this of a revoked refresh token; RFC 6749 §4.1.2 and RFC 9700
/// §4.14.2 of a reused code or refresh token. The one place these three revoke through.
///
/// Access tokens are refused by grant id in Redis until the newest of them has expired (the
/// access-token lifetime plus a margin for an exchange still signing when the revocation
/// lands); the family is revoked in PostgreSQL for good, including tokens stored after this.
public struct GrantRevocation: Sendable {
    let states: any AuthorizationStateStore
    let refreshTokens: any RefreshTokenStore
    let settings: ProviderSettings

    /// How long past the revocation an access token of the grant may still be signed: an
    /// exchange or rotation that read its state just before the revocation.
    public static let inFlightMargin: Duration = .seconds(60)

    public init(states: any AuthorizationStateStore, refreshTokens: any RefreshTokenStore, settings: ProviderSettings) {
        self.states = states
        self.refreshTokens = refreshTokens
        self.settings = settings
    }

    public func revoke(grantID: UUID, at now: Date) async throws {
        try await states.revokeGrant(id: grantID, until: lastAccessTokenExpiry(now), now: now)
        try await refreshTokens.revokeFamily(grantID, at: now)
    }

    /// Ends every grant of the user that still has a live refresh token, or only those of
    /// `clientID` ("sign out everywhere", a credential change, disconnecting an app): the
    /// families in PostgreSQL, then their access tokens in Redis. (An access token of a grant
    /// without a refresh token — no `offline_access` — runs out within the access-token lifetime.)
    public func revokeAll(userID: UUID, clientID: String?, at now: Date) async throws {
        for grantID in try await refreshTokens.revokeAll(userID: userID, clientID: clientID, at: now) {
            try await states.revokeGrant(id: grantID, until: lastAccessTokenExpiry(now), now: now)
        }
    }

    func lastAccessTokenExpiry(_ now: Date) -> Date {
        now.addingTimeInterval((settings.accessTokenLifetime + Self.inFlightMargin).timeInterval)
    }
}
