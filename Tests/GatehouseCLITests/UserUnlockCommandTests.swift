import Foundation
@testable import GatehouseCLI
import GatehouseCore
import Testing

/// `gatehouse user unlock` as the help desk uses it: a locked-out owner can sign in again at once.
@Suite("Unlocking an account from the command line")
struct UserUnlockCommandTests {
    @Test("a locked password and locked second factors are lifted, and the unlock is audited")
    func unlock() async throws {
        let environment = ProcessInfo.processInfo.environment
        let database = try #require(environment["GATEHOUSE_TEST_DATABASE_URL"], "run the tests with ./dev test")
        let redis = try #require(environment["GATEHOUSE_TEST_REDIS_URL"], "run the tests with ./dev test")
        let settings = ["GATEHOUSE_DATABASE_URL": database, "GATEHOUSE_REDIS_URL": redis]
        let config = try GatehouseConfiguration.load(settings, requiring: [.database, .redis])
        let protection = try ProtectionConfiguration.load(settings)
        let email = "locked-\(UUID().uuidString.lowercased())@example.com"

        let user = try await withBackends(config, needsRedis: true) { backends in
            let now = backends.clock.now
            let user = User(id: UUID(), email: email, emailVerified: true, passwordHash: "not-a-real-hash", createdAt: now, updatedAt: now)
            try await backends.users.create(user)
            let limiter = limiter(backends, protection)
            for subject in [AttemptSubject.password(email: email), .secondFactor(userID: user.id)] {
                try await lock(subject, with: limiter)
                await #expect(throws: TooManyAttempts.self) { _ = try await limiter.reserve(subject, clientIP: nil) }
            }
            return user
        }

        let result = try CLI.run(["user", "unlock", "--email", email.uppercased()],
                                 environment: ["GATEHOUSE_REDIS_URL": redis, "GATEHOUSE_AUDIT_KEY": environment["GATEHOUSE_AUDIT_KEY"] ?? ""])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("password and second factors"))

        try await withBackends(config, needsRedis: true) { backends in
            let limiter = limiter(backends, protection)
            for subject in [AttemptSubject.password(email: email), .secondFactor(userID: user.id)] {
                let attempt = try await limiter.reserve(subject, clientIP: nil)
                #expect(attempt.attempt == 1, "the failures are forgotten too")
            }
        }
        let audit = try CLI.run(["audit", "list", "--subject", user.id.uuidString.lowercased(), "--json"],
                                environment: ["GATEHOUSE_AUDIT_KEY": environment["GATEHOUSE_AUDIT_KEY"] ?? ""])
        #expect(audit.output.contains("account_unlocked"), "\(audit.errors)")
    }

    func limiter(_ backends: Backends, _ protection: ProtectionConfiguration.Loaded) -> AttemptLimiter {
        let dependencies = backends.protection(protection)
        return AttemptLimiter(counter: dependencies.counter, lockouts: dependencies.lockouts, settings: dependencies.settings,
                              crypto: backends.crypto, clock: backends.clock, observer: LockoutObservers([]))
    }

    /// Fails attempts until the limiter locks the subject.
    func lock(_ subject: AttemptSubject, with limiter: AttemptLimiter) async throws {
        for _ in 0..<100 {
            let attempt = try await limiter.reserve(subject, clientIP: nil)
            do {
                _ = try await attempt.failed()
            } catch is TooManyAttempts {
                return
            }
        }
        Issue.record("the subject never locked")
    }
}
