import Foundation

/// What happens to a user's sign-ins when their credentials change: "sign out everywhere"
/// ends every browser session and every grant; a change of the password or of the second factor
/// ends every other session and every grant, so no sign-in made under the old credentials (or
/// before there was a factor) outlives the change. Ending a grant revokes its refresh tokens and
/// refuses its access tokens at `/userinfo` and `/introspect` (`GrantRevocation`).
public struct AccountSecurity: Sendable {
    let sessions: any SessionStore
    let grants: GrantRevocation
    let clock: any Clock

    public init(sessions: any SessionStore, grants: GrantRevocation, clock: any Clock) {
        self.sessions = sessions
        self.grants = grants
        self.clock = clock
    }

    public func signOutEverywhere(userID: UUID) async throws {
        try await credentialsChanged(userID: userID, keeping: nil)
    }

    /// A factor was turned on or off, or the recovery codes were made anew: every session but
    /// `keeping` (the one that made the change, if any) ends, and every grant.
    public func secondFactorChanged(userID: UUID, keeping session: UUID?) async throws {
        try await credentialsChanged(userID: userID, keeping: session)
    }

    /// The password was changed (on the account page: `keeping` is that session) or reset.
    public func passwordChanged(userID: UUID, keeping session: UUID?) async throws {
        try await credentialsChanged(userID: userID, keeping: session)
    }

    func credentialsChanged(userID: UUID, keeping session: UUID?) async throws {
        let now = clock.now
        if let session {
            try await sessions.revokeAll(userID: userID, except: session, at: now)
        } else {
            try await sessions.revokeAll(userID: userID, at: now)
        }
        try await grants.revokeAll(userID: userID, clientID: nil, at: now)
    }
}
