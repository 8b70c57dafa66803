import Foundation
@testable import GatehouseCore
import GatehouseTesting
import Testing

/// Per-IP limits over a counter that only counts calls: refusals are remembered in-process until
/// their window ends, so a flood from one address stops costing a Redis round trip.
@Suite("NetworkRateLimiter")
struct NetworkRateLimiterTests {
    /// A fixed-window counter in memory that counts how often it is asked.
    final class CountingCounter: AttemptCounter, @unchecked Sendable {
        let lock = NSLock()
        var counts: [String: (n: Int, start: Date)] = [:]
        var calls = 0

        func reserve(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount { answer(key, policy, now, counting: true) }
        func peek(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount { answer(key, policy, now, counting: false) }
        func block(key: String, until: Date, now: Date) async throws {}
        func reset(key: String, now: Date) async throws {}
        func clear(key: String) async throws {}
        func release(key: String, policy: LimitPolicy, now: Date) async throws {
            lock.withLock {
                calls += 1
                if let entry = counts[key], entry.n > 0, now.timeIntervalSince(entry.start) < policy.window.timeInterval {
                    counts[key] = (entry.n - 1, entry.start)
                }
            }
        }

        func answer(_ key: String, _ policy: LimitPolicy, _ now: Date, counting: Bool) -> AttemptCount {
            lock.withLock {
                calls += 1
                var entry = counts[key] ?? (0, now)
                if now.timeIntervalSince(entry.start) >= policy.window.timeInterval { entry = (0, now) }
                let rest = Duration.seconds(entry.start.addingTimeInterval(policy.window.timeInterval).timeIntervalSince(now))
                guard entry.n < policy.limit else { return AttemptCount(allowed: false, count: entry.n, retryAfter: rest) }
                if counting { entry.n += 1; counts[key] = entry }
                return AttemptCount(allowed: true, count: entry.n, retryAfter: rest)
            }
        }
    }

    func limiter(_ counter: CountingCounter, _ clock: TestClock) -> NetworkRateLimiter {
        var settings = ProtectionSettings()
        settings.perIP[.login] = LimitPolicy(limit: 2, window: .seconds(60))
        return NetworkRateLimiter(counter: counter, settings: settings, clock: clock, memory: RefusalMemory())
    }

    @Test("once refused, an address is refused from memory until the window ends, then asked again")
    func remembersRefusals() async throws {
        let counter = CountingCounter(), clock = TestClock()
        let limits = limiter(counter, clock)
        try await limits.reserve(.login, from: "203.0.113.1")
        try await limits.reserve(.login, from: "203.0.113.1")
        await #expect(throws: TooManyAttempts.self) { try await limits.reserve(.login, from: "203.0.113.1") }
        let asked = counter.calls
        for _ in 0..<100 {
            await #expect(throws: TooManyAttempts.self) { try await limits.reserve(.login, from: "203.0.113.1") }
        }
        #expect(counter.calls == asked, "no counter call while the refusal holds")
        try await limits.reserve(.login, from: "203.0.113.2")
        clock.advance(by: 60)
        try await limits.reserve(.login, from: "203.0.113.1")
        #expect(counter.calls == asked + 2)
    }

    @Test("failures counted after the check: the one over the limit is refused, then refused from memory until the window ends")
    func failures() async throws {
        let counter = CountingCounter(), clock = TestClock()
        var settings = ProtectionSettings()
        settings.perIP[.clientAuthentication] = LimitPolicy(limit: 2, window: .seconds(300))
        let limits = NetworkRateLimiter(counter: counter, settings: settings, clock: clock)
        let origin = ClientOrigin(address: "203.0.113.3")
        try await limits.recordFailure(.clientAuthentication, from: origin)
        try await limits.recordFailure(.clientAuthentication, from: origin)
        let refusal = await #expect(throws: TooManyAttempts.self) { try await limits.recordFailure(.clientAuthentication, from: origin) }
        #expect(refusal?.scope == .network(.clientAuthentication))
        #expect(refusal?.retryAfterSeconds == 300)
        let asked = counter.calls
        for _ in 0..<20 {
            await #expect(throws: TooManyAttempts.self) { try await limits.recordFailure(.clientAuthentication, from: origin) }
        }
        #expect(counter.calls == asked, "refused from memory")
        try await limits.recordFailure(.clientAuthentication, from: ClientOrigin(address: "203.0.113.4"))
        clock.advance(by: 300)
        try await limits.recordFailure(.clientAuthentication, from: origin)
    }

    @Test("a failure reserved before the check and given back after a success: 100 successes never fill a limit of 3")
    func failureSlots() async throws {
        let counter = CountingCounter(), clock = TestClock()
        var settings = ProtectionSettings()
        settings.perIP[.login] = LimitPolicy(limit: 3, window: .seconds(300))
        let limits = NetworkRateLimiter(counter: counter, settings: settings, clock: clock)
        let origin = ClientOrigin(address: "203.0.113.5")
        for _ in 0..<100 {
            let slot = try #require(try await limits.reserveFailure(.login, from: origin))
            try await slot.release()
        }
        for _ in 0..<3 { _ = try await limits.reserveFailure(.login, from: origin) }   // three failures, kept
        let refusal = await #expect(throws: TooManyAttempts.self) { _ = try await limits.reserveFailure(.login, from: origin) }
        #expect(refusal?.scope == .network(.login))
    }

    @Test("a trusted network is never counted nor refused by a per-IP limit")
    func exempt() async throws {
        let counter = CountingCounter(), clock = TestClock()
        var settings = ProtectionSettings()
        for action in RateLimitedAction.allCases { settings.perIP[action] = LimitPolicy(limit: 1, window: .seconds(60)) }
        let limits = NetworkRateLimiter(counter: counter, settings: settings, clock: clock)
        let trusted = ClientOrigin(address: "198.51.100.7", isExempt: true)
        for _ in 0..<10 {
            try await limits.reserve(.registration, from: trusted)
            #expect(try await limits.reserveFailure(.login, from: trusted) == nil)
            try await limits.recordFailure(.clientAuthentication, from: trusted)
        }
        #expect(counter.calls == 0)
    }

    @Test("a limit of 0 never counts or refuses")
    func disabled() async throws {
        let counter = CountingCounter(), clock = TestClock()
        let limits = NetworkRateLimiter(counter: counter, settings: .unlimited, clock: clock)
        for _ in 0..<10 { try await limits.reserve(.registration, from: nil) }
        #expect(counter.calls == 0)
    }

    @Test("the memory stays bounded")
    func bounded() {
        let memory = RefusalMemory(capacity: 3), now = Date()
        for index in 0..<10 { memory.remember("k\(index)", until: now.addingTimeInterval(60), now: now) }
        #expect(memory.refusedUntil("k9", now: now) != nil)
        #expect(memory.refusedUntil("k0", now: now) == nil)
    }
}
