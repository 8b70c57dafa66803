import Foundation

/// Checks an email and password. An unknown email costs the same argon2 work as a wrong
/// password, and both answer alike, so timing and wording reveal nothing (OWASP ASVS V2.2).
/// Hashes made with old parameters are upgraded on a successful login.
public struct PasswordLogin: Sendable {
    let users: any UserStore
    let hasher: any PasswordHasher
    let clock: any Clock

    public init(users: any UserStore, hasher: any PasswordHasher, clock: any Clock) {
        self.users = users
        self.hasher = hasher
        self.clock = clock
    }

    public enum Outcome: Sendable, Equatable {
        case success(User)
        case invalidCredentials
        /// The password was right but the account is suspended or deactivated: it does not sign
        /// in. Said only after the password was checked, so it reveals nothing to a guesser.
        case notActive(AccountStatus)
    }

    public func authenticate(email: String, password typed: String) async throws -> Outcome {
        // Hashes are made from the NFKC form (PasswordPolicy.normalized), so verify that form.
        let password = PasswordPolicy.normalized(typed)
        guard let user = try await users.find(email: User.normalizedEmail(email)), let hash = user.passwordHash else {
            try await hasher.verifyDummy(password)
            return .invalidCredentials
        }
        guard try await verifies(typed: typed, normalized: password, against: hash) else {
            return .invalidCredentials
        }
        guard user.status == .active else { return .notActive(user.status) }
        var current = user
        if hasher.needsRehash(hash) {
            let upgraded = try await hasher.hash(password)
            try await users.updatePasswordHash(userID: user.id, hash: upgraded, at: clock.now)
            // What the store now holds: a pending second-factor step is bound to this hash.
            current.passwordHash = upgraded
        }
        return .success(current)
    }

    /// The NFKC form against the hash; then, for a hash not made with today's parameters (one
    /// imported from another provider, which hashed the password as its user typed it: bcrypt,
    /// argon2), the typed form when it differs. Either way the rehash is of the NFKC form.
    func verifies(typed: String, normalized: String, against hash: String) async throws -> Bool {
        if try await hasher.verify(normalized, against: hash) { return true }
        // Bytes, not String's ==, which holds canonically equivalent forms equal.
        guard !typed.utf8.elementsEqual(normalized.utf8), hasher.needsRehash(hash) else { return false }
        return try await hasher.verify(typed, against: hash)
    }
}
