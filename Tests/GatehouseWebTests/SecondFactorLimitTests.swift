import Foundation
import GatehouseCore
import GatehouseTestingStack
import NIOConcurrencyHelpers
import Testing

/// The per-account limiter as the MFA pages use it: one count for all second factors of a user
/// (TOTP, email codes, recovery codes), a durable lock, one event per lockout.
@Suite("Second-factor attempt limit")
struct SecondFactorLimitTests {
    final class RecordingObserver: LockoutObserver, @unchecked Sendable {
        let events = NIOLockedValueBox<[LockoutEvent]>([])
        func lockoutBegan(_ event: LockoutEvent) async { events.withLockedValue { $0.append(event) } }
    }

    func limiter(_ provider: TestProvider, _ observer: RecordingObserver) -> AttemptLimiter {
        let protection = provider.dependencies.protection
        return AttemptLimiter(counter: protection.counter, lockouts: protection.lockouts, settings: protection.settings,
                              crypto: provider.crypto, clock: provider.clock, observer: observer)
    }

    @Test("5 wrong codes lock the user's second factors; the lock is reported once, outlives a password reset's lifting, and lift ends it")
    func fiveWrongCodes() async throws {
        let provider = try await TestProvider()
        let observer = RecordingObserver()
        let limiter = limiter(provider, observer)
        let user = try await provider.makeUser()
        let subject = AttemptSubject.secondFactor(userID: user.user.id)

        for expected in [4, 3, 2, 1] {
            #expect(try await limiter.reserve(subject, clientIP: "203.0.113.9").failed() == expected)
        }
        let fifth = try await limiter.reserve(subject, clientIP: "203.0.113.9")
        await #expect(throws: TooManyAttempts(.secondFactor, retryAfter: .seconds(900))) { try await fifth.failed() }
        await #expect(throws: TooManyAttempts.self) { _ = try await limiter.reserve(subject, clientIP: nil) }
        #expect(observer.events.withLockedValue { $0.map(\.subject) } == [subject])
        #expect(observer.events.withLockedValue { $0.first?.clientIP } == "203.0.113.9")

        let password = try await limiter.reserve(.password(email: user.email), clientIP: nil)
        try await password.succeeded()   // passwords have a count of their own

        try await limiter.liftAfterPasswordReset(for: user.user)
        await #expect(throws: TooManyAttempts.self, "a reset proves the mailbox, not the second factor") {
            _ = try await limiter.reserve(subject, clientIP: nil)
        }
        try await limiter.lift(subject)
        let after = try await limiter.reserve(subject, clientIP: nil)
        #expect(after.attempt == 1)
        try await after.succeeded()
    }

    @Test("a right code starts the count over")
    func successResets() async throws {
        let provider = try await TestProvider()
        let limiter = limiter(provider, RecordingObserver())
        let subject = AttemptSubject.secondFactor(userID: UUID())
        for _ in 0..<4 { try await limiter.reserve(subject, clientIP: nil).failed() }
        try await limiter.reserve(subject, clientIP: nil).succeeded()
        #expect(try await limiter.reserve(subject, clientIP: nil).attempt == 1)
    }
}
