/// Password hashing (argon2id). Implementations run the work on a bounded pool of their own,
/// never on the cooperative pool or an event loop, and throw `PasswordHasherError.overloaded`
/// when that pool's queue is full.
public protocol PasswordHasher: Sendable {
    /// An encoded hash (PHC string) that carries its own parameters.
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `encodedHash`. A malformed hash is a mismatch, not an error.
    func verify(_ password: String, against encodedHash: String) async throws -> Bool
    /// Whether the hash was made with parameters other than the configured ones.
    func needsRehash(_ encodedHash: String) -> Bool
    /// Spends the same work as a real verification, for unknown accounts (no timing oracle).
    func verifyDummy(_ password: String) async throws
    /// Whether new work would be refused with `overloaded` right now. A hint, not a promise:
    /// under a flood, sign-in answers 503 before spending counters and queries on an attempt the
    /// pool could not take anyway.
    var isSaturated: Bool { get }
}

extension PasswordHasher {
    public var isSaturated: Bool { false }
}

public enum PasswordHasherError: Error, Equatable {
    /// The hashing pool's queue is full; retry after a moment.
    case overloaded
}
