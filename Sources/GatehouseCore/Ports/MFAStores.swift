import Foundation

/// Second-factor credentials (PostgreSQL): at most one confirmed and one unconfirmed
/// credential per user and kind.
public protocol MFACredentialStore: Sendable {
    /// Stores an unconfirmed credential, replacing an earlier unconfirmed one of the same kind.
    func saveUnconfirmed(_ credential: MFACredential) async throws
    /// Every credential of the user, confirmed or not.
    func credentials(userID: UUID) async throws -> [MFACredential]
    /// Makes the unconfirmed credential `id` the user's confirmed one of its kind (replacing any
    /// earlier confirmed one), remembering `step` as used, and discards every other unconfirmed
    /// credential of the user, in one transaction. False when `id` is gone or confirmed.
    func confirm(id: UUID, usedStep: Int64?, at: Date) async throws -> Bool
    /// Records `step` as used, atomically, only if it is newer than the last used step
    /// (compare-and-set): of two parallel uses of one code, exactly one gets true.
    func markStepUsed(id: UUID, step: Int64) async throws -> Bool
    /// Adds a confirmed credential with no secret (the emailed-code factor) and discards every
    /// unconfirmed credential of the user, in one transaction; true when added.
    func enableWithoutSecret(userID: UUID, kind: MFACredential.Kind, at: Date) async throws -> Bool
    /// Removes the user's credentials of `kind` (confirmed or not); true when one was removed.
    func remove(userID: UUID, kind: MFACredential.Kind) async throws -> Bool
    /// Removes every credential of the user.
    func removeAll(userID: UUID) async throws
}

/// Recovery codes (PostgreSQL), only as digests, each usable once.
public protocol RecoveryCodeStore: Sendable {
    /// Replaces all of the user's codes with these digests in one transaction.
    func replace(userID: UUID, digests: [[UInt8]], at: Date) async throws
    /// Marks the unused code with this digest used, atomically; false when unknown or used.
    func consume(userID: UUID, digest: [UInt8], at: Date) async throws -> Bool
    /// How many unused codes the user has.
    func remaining(userID: UUID) async throws -> Int
    func removeAll(userID: UUID) async throws
}

/// "Password proven, second factor pending" states (Redis), stored under a token's digest.
public protocol PendingSignInStore: Sendable {
    func save(_ signIn: PendingSignIn, digest: [UInt8], ttl: Duration) async throws
    func find(digest: [UInt8]) async throws -> PendingSignIn?
    func delete(digest: [UInt8]) async throws
}

/// Encrypts secrets kept at rest (TOTP seeds) under the deployment's key. The associated data
/// binds a sealed value to its owner so it cannot be copied onto another row.
public protocol SecretSealer: Sendable {
    func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws -> [UInt8]
    func open(_ sealed: [UInt8], associatedData: [UInt8]) throws -> [UInt8]
}
