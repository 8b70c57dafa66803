import Foundation
import GatehouseCore
@testable import GatehouseCrypto
import Testing

@Suite struct Argon2PasswordHasherTests {
    /// Cheap parameters for behaviour tests; the production setting has its own test.
    static let cheap = Argon2Parameters(memoryKiB: 256, iterations: 1, parallelism: 1)

    @Test("hash then verify: right password true, wrong password false")
    func roundTrip() async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        let encoded = try await hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=256,t=1,p=1$"))
        #expect(try await hasher.verify("correct horse battery staple", against: encoded))
        #expect(try await !hasher.verify("correct horse battery stapler", against: encoded))
        #expect(try await !hasher.verify("", against: encoded))
        #expect(try await hasher.hash("correct horse battery staple") != encoded, "a fresh salt each time")
        try await hasher.shutdown()
    }

    @Test("passwords are their UTF-8 bytes with explicit length: NUL and non-ASCII count")
    func passwordBytes() async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        let encoded = try await hasher.hash("a\u{0}b")
        #expect(try await hasher.verify("a\u{0}b", against: encoded))
        #expect(try await !hasher.verify("a", against: encoded))
        let accented = try await hasher.hash("pässwörd")
        #expect(try await hasher.verify("pässwörd", against: accented))
        #expect(try await !hasher.verify("passwörd", against: accented))
        try await hasher.shutdown()
    }

    @Test("a malformed or foreign hash verifies as false, never crashes", arguments: [
        "", "garbage", "$argon2id$", "$argon2id$v=19$m=256,t=1,p=1$$",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
        "$argon2id$v=19$m=256,t=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=256,t=99999999,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
        "$2b$12$abcdefghijklmnopqrstuu5e0qS1f7yJmH3v0rU6tH2KpL3cJ4Qa",
        "$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFz\u{0}aGhhc2hoYXNoaGFzaA",
    ])
    func malformedHash(_ encoded: String) async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        #expect(try await !hasher.verify("password", against: encoded))
        #expect(hasher.needsRehash(encoded))
        try await hasher.shutdown()
    }

    @Test("the OWASP parameters m=19456 t=2 p=1 hash and verify")
    func productionParameters() async throws {
        let hasher = try Argon2PasswordHasher()
        #expect(hasher.parameters == Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1))
        let encoded = try await hasher.hash("hunter2 but longer")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try await hasher.verify("hunter2 but longer", against: encoded))
        #expect(!hasher.needsRehash(encoded))
        try await hasher.shutdown()
    }

    @Test("needsRehash is true for other parameters or algorithms, false for the configured ones")
    func needsRehash() async throws {
        let cheapHasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        let cheapHash = try await cheapHasher.hash("password")
        #expect(!cheapHasher.needsRehash(cheapHash))
        let stronger = try Argon2PasswordHasher(
            parameters: Argon2Parameters(memoryKiB: 512, iterations: 1, parallelism: 1), threads: 1)
        #expect(stronger.needsRehash(cheapHash))
        // Old hashes keep verifying after the settings change: parameters come from the string.
        #expect(try await stronger.verify("password", against: cheapHash))
        #expect(stronger.needsRehash(cheapHash.replacingOccurrences(of: "argon2id", with: "argon2i")))
        try await cheapHasher.shutdown()
        try await stronger.shutdown()
    }

    @Test("verifyDummy does the work of a verification and caches its hash")
    func verifyDummy() async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        #expect(hasher.dummyHash.withLockedValue { $0 } == nil, "made on first use, not at start")
        try await hasher.verifyDummy("anything")
        // A hash with the configured parameters: an unknown account costs what a wrong password costs.
        let made = try #require(hasher.dummyHash.withLockedValue { $0 })
        #expect(made.hasPrefix("$argon2id$v=19$m=256,t=1,p=1$"))
        #expect(!hasher.needsRehash(made))
        try await hasher.verifyDummy("anything else")
        #expect(hasher.dummyHash.withLockedValue { $0 } == made, "made once, then reused")
        // With the hash cached, the only pool work left is the verification itself: once the pool
        // has stopped, verifyDummy must fail rather than return without doing it.
        try await hasher.shutdown()
        await #expect(throws: (any Error).self) { try await hasher.verifyDummy("anything") }
    }

    @Test("a full queue answers overloaded at once instead of queueing (bounded pool, DESIGN: 503 + Retry-After)")
    func overloaded() async throws {
        // One thread, room for one job, and a hash slow enough (~0.1 s) that the others arrive while it runs.
        let slow = Argon2Parameters(memoryKiB: 65536, iterations: 2, parallelism: 1)
        let hasher = try Argon2PasswordHasher(parameters: slow, threads: 1, maxQueued: 1)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        _ = try await hasher.hash("password")
                        return "ok"
                    } catch PasswordHasherError.overloaded {
                        return "overloaded"
                    } catch {
                        return "error: \(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.contains("ok"))
        #expect(outcomes.contains("overloaded"))
        #expect(outcomes.allSatisfy { $0 == "ok" || $0 == "overloaded" })
        // Once the burst is over, the hasher accepts work again.
        #expect(try await hasher.verify("password", against: try await hasher.hash("password")))
        try await hasher.shutdown()
    }

    @Test("the pool's threads hash at a nice value 10 above the process's, every one of them; the caller's thread is left as it was")
    func poolThreadsAreNicer() async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 2)
        errno = 0
        let callers = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #expect(errno == 0)
        #expect(hasher.threadNiceness == min(19, callers + Argon2PasswordHasher.nicenessAbovePool))
        // Enough jobs at once that both threads run some (each holds its thread a moment).
        let seen = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await hasher.run { () -> Int32 in
                        usleep(20_000)
                        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
                    }
                }
            }
            return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
        }
        #expect(seen == [hasher.threadNiceness])
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == callers)
        try await hasher.shutdown()
    }

    @Test("impossible configurations are refused at start")
    func configuration() {
        #expect(throws: CryptoError.self) {
            try Argon2PasswordHasher(parameters: Argon2Parameters(memoryKiB: 4, iterations: 1, parallelism: 1))
        }
        #expect(throws: CryptoError.self) { try Argon2PasswordHasher(parameters: Self.cheap, maxQueued: 0) }
        #expect(throws: CryptoError.self) { try Argon2PasswordHasher(parameters: Self.cheap, threads: 0) }
    }
}
