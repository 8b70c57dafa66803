import Foundation

/// The time between a proven password and a proven second factor: a `PendingSignIn` under the
/// digest of a random token that the browser's cookie holds. Guessing is bounded elsewhere: every
/// code typed on any path reserves a `.secondFactor(userID:)` attempt in `AttemptLimiter` first.
public struct SecondFactorChallenges: Sendable {
    let store: any PendingSignInStore
    let crypto: any CryptoPrimitives
    let settings: MFASettings
    let clock: any Clock

    public init(store: any PendingSignInStore, crypto: any CryptoPrimitives, settings: MFASettings, clock: any Clock) {
        self.store = store
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
    }

    /// Starts waiting for the second factor; returns the token for the browser's cookie.
    public func begin(userID: UUID, pendingAuthorizationID: String?, amr: [String]) async throws -> String {
        let token = crypto.randomToken()
        let signIn = PendingSignIn(userID: userID, pendingAuthorizationID: pendingAuthorizationID, amr: amr, createdAt: clock.now)
        try await store.save(signIn, digest: crypto.tokenDigest(token), ttl: settings.challengeLifetime)
        return token
    }

    /// The state behind a cookie, while it lasts.
    public func find(token: String?) async throws -> PendingSignIn? {
        guard let token, !token.isEmpty, token.utf8.count <= 128 else { return nil }
        return try await store.find(digest: crypto.tokenDigest(token))
    }

    /// Saves a changed state; its lifetime counts from its start, never extended.
    public func update(_ signIn: PendingSignIn, token: String) async throws {
        let left = settings.challengeLifetime.timeInterval - clock.now.timeIntervalSince(signIn.createdAt)
        guard left > 1 else { return try await end(token: token) }
        try await store.save(signIn, digest: crypto.tokenDigest(token), ttl: .milliseconds(Int64(left * 1000)))
    }

    public func end(token: String) async throws {
        try await store.delete(digest: crypto.tokenDigest(token))
    }
}
