import Foundation

/// Forgot-password links and the forced change of an expired password: random, stored as
/// digests, single use, 30 minutes. Only a link that went through the mailbox proves it.
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

    /// A new link token for the user, to be emailed to the account's address.
    public func issue(userID: UUID) async throws -> String {
        try await issue(userID: userID, provesMailbox: true)
    }

    /// A token for the forced change of an expired password, handed to the browser that has just
    /// passed every check of a sign-in (password, verified email, second factor). It never
    /// went through the mailbox, so using it proves nothing about the address.
    public func issueForcedChange(userID: UUID) async throws -> String {
        try await issue(userID: userID, provesMailbox: false)
    }

    func issue(userID: UUID, provesMailbox: Bool) async throws -> String {
        let token = crypto.randomToken()
        let now = clock.now
        try await store.create(digest: crypto.tokenDigest(token), userID: userID, provesMailbox: provesMailbox, at: now,
                               expiresAt: now.addingTimeInterval(settings.passwordResetLifetime.timeInterval))
        return token
    }

    /// The user whose link this is, while it still works.
    public func user(of token: String) async throws -> UUID? {
        guard token.utf8.count <= 128 else { return nil }
        return try await store.userID(digest: crypto.tokenDigest(token), now: clock.now)
    }

    /// Uses the link up; nil when it was unknown, used or expired.
    public func consume(_ token: String) async throws -> PasswordResetLink? {
        guard token.utf8.count <= 128 else { return nil }
        return try await store.consume(digest: crypto.tokenDigest(token), now: clock.now)
    }
}
