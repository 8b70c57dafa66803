import GatehouseCore
import GatehouseCrypto
import Testing

/// `isSaturated`: sign-in asks it first, so a flood meets 503 before any counter or query.
@Suite struct Argon2SaturationTests {
    @Test("saturated exactly while maxQueued jobs are admitted")
    func saturation() async throws {
        // One thread, room for one job, a hash slow enough (~0.1 s) to be seen running.
        let slow = Argon2Parameters(memoryKiB: 65536, iterations: 2, parallelism: 1)
        let hasher = try Argon2PasswordHasher(parameters: slow, threads: 1, maxQueued: 1)
        #expect(!hasher.isSaturated)
        let job = Task { try await hasher.hash("password") }
        var sawSaturated = false
        for _ in 0..<200 where !sawSaturated {
            sawSaturated = hasher.isSaturated
            if !sawSaturated { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(sawSaturated)
        _ = try await job.value
        #expect(!hasher.isSaturated)
        try await hasher.shutdown()
    }
}
