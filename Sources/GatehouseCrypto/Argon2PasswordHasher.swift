public import GatehouseCore
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// argon2id password hashing (RFC 9106) on a small thread pool of its own.
///
/// Why a pool: one hash holds a core and ~19 MiB for ~35 ms; run on Swift's cooperative pool
/// (one thread per core) a burst of logins would stall every other request. Why a separate,
/// bounded one: a login flood must not queue without limit nor delay libpq/hiredis work, so
/// when `maxQueued` jobs are already running or waiting, new ones fail at once with
/// `PasswordHasherError.overloaded` (the web layer answers 503 with `Retry-After`).
///
/// The pool starts in `init`; call `shutdown()` (async) when the server stops. Work still
/// queued at shutdown fails with `CancellationError`.
public final class Argon2PasswordHasher: PasswordHasher {
    /// The parameters for new hashes; hashes made with others verify and report `needsRehash`.
    public let parameters: Argon2Parameters
    /// How many jobs may be running or waiting at once before `overloaded` is thrown.
    public let maxQueued: Int
    /// Threads in the pool.
    public let threadCount: Int

    private let pool: NIOThreadPool
    /// The nice value the pool's threads run at (`nicenessAbovePool` above the process's).
    let threadNiceness: Int32
    /// Jobs admitted and not yet finished (running + queued).
    private let admitted = NIOLockedValueBox(0)
    /// A hash of a random password with `parameters`, made on first use by `verifyDummy`
    /// (internal, not private: the tests check it is made once, with these parameters).
    let dummyHash = NIOLockedValueBox<String?>(nil)

    /// How much nicer (setpriority(2)) the pool's threads are than the rest of the process: when
    /// the cores are contended, hashing (sign-ins, and a flood of wrong passwords) yields to the
    /// requests of people already signed in (tokens, userinfo, pages) instead of sharing the
    /// cores with them equally. Nice only weighs threads that compete for a core, so on a machine
    /// with room a hash runs at full speed. Measured by `bench/run`'s flood from ~4 million
    /// addresses (2 cores, 5 Dec 2026): `client_credentials` during it went from 0.53–0.54 of its
    /// idle figure to 0.64–0.66 (5: 0.56–0.57), the flood's own checks stayed at 36–41/s.
    public static let nicenessAbovePool: Int32 = 10

    /// - Parameters:
    ///   - parameters: the cost of new hashes (OWASP's m=19456 KiB, t=2, p=1 by default).
    ///   - threads: pool size; by default one fewer than the cores, at least one, so hashing
    ///     never takes every core from the request handlers.
    ///   - maxQueued: the bound on jobs running plus waiting (at least 1).
    public init(parameters: Argon2Parameters = .owasp, threads: Int? = nil, maxQueued: Int = 32) throws {
        if let problem = parameters.problem {
            throw CryptoError(operation: "argon2id configuration", reason: problem)
        }
        guard maxQueued >= 1 else {
            throw CryptoError(operation: "argon2id configuration", reason: "maxQueued must be at least 1")
        }
        let threadCount = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        guard threadCount >= 1 else {
            throw CryptoError(operation: "argon2id configuration", reason: "threads must be at least 1")
        }
        self.parameters = parameters
        self.maxQueued = maxQueued
        self.threadCount = threadCount
        // Relative to the process's own nice value (read on the thread that makes the hasher):
        // an unprivileged process may only ever raise it, up to 19.
        errno = 0
        let processNiceness = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        threadNiceness = errno == 0 ? min(19, processNiceness + Self.nicenessAbovePool) : Self.nicenessAbovePool
        pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
    }

    /// A safety net for a forgotten `shutdown()`: NIO asserts that a pool is stopped before it goes away.
    deinit { pool.shutdownGracefully { _ in } }

    /// Whether `maxQueued` jobs are running or waiting now (the next one would be `overloaded`).
    public var isSaturated: Bool {
        admitted.withLockedValue { $0 >= maxQueued }
    }

    /// Stops the pool after the jobs that are running finish.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }

    public func hash(_ password: String) async throws -> String {
        let parameters = parameters
        return try await run {
            try Argon2.hashEncoded(password: Array(password.utf8), salt: OpenSSLCrypto.random(Argon2.saltLength),
                                   parameters: parameters)
        }
    }

    /// A malformed hash, one of another algorithm, or one whose cost exceeds our limits is a
    /// mismatch, decided without touching the pool. Besides Gatehouse's own argon2id, a hash
    /// imported from another provider (bcrypt, argon2i: `ImportedPasswordHash`, within its caps)
    /// is verified as it is, on the same pool under the same admission.
    public func verify(_ password: String, against encodedHash: String) async throws -> Bool {
        if let parsed = EncodedArgon2Hash(encodedHash), parsed.variant == "argon2id", parsed.parameters.problem == nil {
            return try await run { Argon2.verify(password: Array(password.utf8), encoded: encodedHash) }
        }
        guard case .success(let imported) = ImportedPasswordHash.parse(encodedHash) else { return false }
        return try await run { LegacyPasswordVerifier.verify(password: Array(password.utf8), against: imported) }
    }

    /// True unless the hash is argon2id v1.3 with exactly the configured parameters and our salt/tag sizes.
    public func needsRehash(_ encodedHash: String) -> Bool {
        guard let parsed = EncodedArgon2Hash(encodedHash) else { return true }
        return parsed.variant != "argon2id" || parsed.version != 0x13 || parsed.parameters != parameters
            || parsed.saltLength != Argon2.saltLength || parsed.hashLength != Argon2.hashLength
    }

    /// Verifies `password` against a hash made with the configured parameters, so an unknown
    /// account costs what a wrong password costs. The first call also makes that hash.
    public func verifyDummy(_ password: String) async throws {
        _ = try await verify(password, against: try await dummy())
    }

    private func dummy() async throws -> String {
        if let cached = dummyHash.withLockedValue({ $0 }) { return cached }
        let made = try await hash(Base64URL.encode(OpenSSLCrypto.random(32)))
        return dummyHash.withLockedValue { stored in
            if let existing = stored { return existing }
            stored = made
            return made
        }
    }

    /// Runs `body` on the pool if fewer than `maxQueued` jobs are admitted, else throws `overloaded`.
    /// (Internal, not private: a test reads the pool thread's nice value through it.)
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let maxQueued = maxQueued
        let accepted = admitted.withLockedValue { count in
            guard count < maxQueued else { return false }
            count += 1
            return true
        }
        guard accepted else { throw PasswordHasherError.overloaded }
        defer { admitted.withLockedValue { $0 -= 1 } }
        let niceness = threadNiceness
        return try await pool.runIfActive {
            // On Linux the nice value is the calling thread's (who = 0): set on every job, a
            // system call beside ~30 ms of hashing, so no thread of the pool is ever missed. A
            // refusal (a sandbox) leaves the thread as it was.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
            return try body()
        }
    }
}
