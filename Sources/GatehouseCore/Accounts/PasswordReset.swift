import Foundation

/// Forgot-password links: random, stored as digests, single use, 30 minutes.
public struct PasswordReset: Sendable {
    let store: any PasswordResetStore
    let crypto: any CryptoPrimitives
    let settings: AccountSettings
    let clock: any Clock

    public init(store: any PasswordResetStore, crypto: any CryptoPrimitives, settings: AccountSettings, clock: any Clock) {
        self.store = store
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
    }

    /// A new link token for the user (to be emailed).
    public func issue(userID: UUID) async throws -> String {
        let token = crypto.randomToken()
        let now = clock.now
        try await store.create(digest: crypto.tokenDigest(token), userID: userID, at: now,
                               expiresAt: now.addingTimeInterval(settings.passwordResetLifetime.timeInterval))
        return token
    }

    /// The user whose link this is, while it still works.
    public func user(of token: String) async throws -> UUID? {
        guard token.utf8.count <= 128 else { return nil }
        return try await store.userID(digest: crypto.tokenDigest(token), now: clock.now)
    }

    /// Uses the link up; its user, or nil when it was unknown, used or expired.
    public func consume(_ token: String) async throws -> UUID? {
        guard token.utf8.count <= 128 else { return nil }
        return try await store.consume(digest: crypto.tokenDigest(token), now: clock.now)
    }
}
