import Foundation

/// What happens to a user's sign-ins when their credentials change: "sign out everywhere"
/// ends every browser session and revokes every refresh token; a change of the second factor
/// ends every other session and every refresh token, so no sign-in made under the old factors
/// (or before there was one) outlives the change.
public struct AccountSecurity: Sendable {
    let sessions: any SessionStore
    let refreshTokens: any RefreshTokenStore
    let clock: any Clock

    public init(sessions: any SessionStore, refreshTokens: any RefreshTokenStore, clock: any Clock) {
        self.sessions = sessions
        self.refreshTokens = refreshTokens
        self.clock = clock
    }

    public func signOutEverywhere(userID: UUID) async throws {
        let now = clock.now
        try await sessions.revokeAll(userID: userID, at: now)
        try await refreshTokens.revokeAll(userID: userID, clientID: nil, at: now)
    }

    /// A factor was turned on or off, or the recovery codes were made anew: every session but
    /// `keeping` (the one that made the change, if any) ends, and every refresh token is revoked.
    public func secondFactorChanged(userID: UUID, keeping session: UUID?) async throws {
        let now = clock.now
        if let session {
            try await sessions.revokeAll(userID: userID, except: session, at: now)
        } else {
            try await sessions.revokeAll(userID: userID, at: now)
        }
        try await refreshTokens.revokeAll(userID: userID, clientID: nil, at: now)
    }
}
