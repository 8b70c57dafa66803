import Foundation

/// What happens to a user's sign-ins when their credentials change: "sign out everywhere"
/// ends every browser session and revokes every refresh token.
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
}
