import Foundation

/// The time between a proven password and a proven second factor: a `PendingSignIn` under the
/// digest of a random token that the browser's cookie holds. Guessing is bounded elsewhere: every
/// code typed on any path reserves a `.secondFactor(userID:)` attempt in `AttemptLimiter` first.
/// A state lasts only as long as the password it proved: after a reset or any other change of
/// the password, `find(token:users:)` no longer finds it.
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

    /// Starts waiting for the second factor of `user` (as read from the store after the proof);
    /// returns the token for the browser's cookie.
    public func begin(user: User, pendingAuthorizationID: String?, amr: [String],
                      allowedMethods: Set<SecondFactorMethod>? = nil) async throws -> String {
        let token = crypto.randomToken()
        var signIn = PendingSignIn(userID: user.id, pendingAuthorizationID: pendingAuthorizationID, amr: amr, createdAt: clock.now)
        signIn.passwordFingerprint = passwordFingerprint(of: user)
        signIn.allowedMethods = allowedMethods
        try await store.save(signIn, digest: crypto.tokenDigest(token), ttl: settings.challengeLifetime)
        return token
    }

    /// The state behind a cookie, while it lasts (whatever happened to the password since).
    public func find(token: String?) async throws -> PendingSignIn? {
        guard let token, !token.isEmpty, token.utf8.count <= 128 else { return nil }
        return try await store.find(digest: crypto.tokenDigest(token))
    }

    /// The state behind a cookie and its user, while the state lasts and the user's password is
    /// still the one it proved; a state whose password was changed is deleted.
    public func find(token: String?, users: any UserStore) async throws -> (signIn: PendingSignIn, user: User)? {
        guard let token, let signIn = try await find(token: token),
              let user = try await users.find(id: signIn.userID) else { return nil }
        guard let proven = signIn.passwordFingerprint, ConstantTime.equals(proven, passwordFingerprint(of: user)) else {
            try await end(token: token)
            return nil
        }
        return (signIn, user)
    }

    /// Changes with every new password hash (each has a salt of its own).
    func passwordFingerprint(of user: User) -> [UInt8] {
        crypto.sha256("pending-sign-in:" + (user.passwordHash ?? ""))
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
