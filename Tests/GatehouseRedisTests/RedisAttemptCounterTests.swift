import Foundation
import GatehouseCore
import GatehouseRedis
import Testing

/// The atomic counters under every brute-force limit, against the real Redis.
@Suite("RedisAttemptCounter: reserve before checking, atomically")
struct RedisAttemptCounterTests {
    let policy = LimitPolicy(limit: 5, window: .seconds(900))
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func withCounter(_ body: (RedisAttemptCounter, String) async throws -> Void) async throws {
        try await RedisTestSupport.withPool(maxConnections: 8) { pool in
            try await body(RedisAttemptCounter(pool: pool, prefix: "test:limit:"), "account:" + UUID().uuidString)
        }
    }

    @Test("50 parallel reservations admit exactly the limit (CVE-2023-47111, CVE-2024-4629)")
    func parallelReservations() async throws {
        try await withCounter { counter, key async throws in
            let answers = try await withThrowingTaskGroup(of: AttemptCount.self) { group in
                for _ in 0..<50 { group.addTask { try await counter.reserve(key: key, policy: policy, now: start) } }
                return try await group.reduce(into: [AttemptCount]()) { $0.append($1) }
            }
            let admitted = answers.filter(\.allowed)
            #expect(admitted.count == 5)
            #expect(Set(admitted.map(\.count)) == [1, 2, 3, 4, 5], "each admitted attempt has its own number")
            #expect(answers.filter { !$0.allowed }.allSatisfy { $0.retryAfter == .seconds(900) })
        }
    }

    @Test("the window starts with the first attempt and the count starts over after it")
    func fixedWindow() async throws {
        try await withCounter { counter, key async throws in
            for n in 1...5 {
                let count = try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(Double(n - 1)))
                #expect(count.allowed && count.count == n)
            }
            let refused = try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(600))
            #expect(!refused.allowed)
            #expect(refused.retryAfter == .seconds(300), "the rest of the window that began with the first attempt")
            let later = try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(900))
            #expect(later.allowed && later.count == 1)
        }
    }

    @Test("peek counts nothing")
    func peek() async throws {
        try await withCounter { counter, key async throws in
            for _ in 0..<3 { #expect(try await counter.peek(key: key, policy: policy, now: start).allowed) }
            #expect(try await counter.reserve(key: key, policy: policy, now: start).count == 1)
        }
    }

    @Test("release takes one attempt back from the window in force, never below zero nor from an ended window")
    func release() async throws {
        try await withCounter { counter, key async throws in
            try await counter.release(key: key, policy: policy, now: start)   // nothing there: nothing happens
            for _ in 0..<5 { _ = try await counter.reserve(key: key, policy: policy, now: start) }
            #expect(try await counter.peek(key: key, policy: policy, now: start).allowed == false)
            try await counter.release(key: key, policy: policy, now: start.addingTimeInterval(1))
            let again = try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(2))
            #expect(again.allowed && again.count == 5, "the released attempt is free again")
            for _ in 0..<10 { try await counter.release(key: key, policy: policy, now: start.addingTimeInterval(3)) }
            #expect(try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(4)).count == 1, "never below zero")
            try await counter.release(key: key, policy: policy, now: start.addingTimeInterval(900))
            #expect(try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(900)).count == 1,
                    "a new window starts from nothing, whatever was released after the old one")
        }
    }

    @Test("a block refuses until it ends, then the count starts over; reset does not lift it, clear does")
    func block() async throws {
        try await withCounter { counter, key async throws in
            for _ in 0..<5 { _ = try await counter.reserve(key: key, policy: policy, now: start) }
            try await counter.block(key: key, until: start.addingTimeInterval(1800), now: start)
            try await counter.reset(key: key, now: start.addingTimeInterval(1))
            let blocked = try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(1000))
            #expect(!blocked.allowed && blocked.retryAfter == .seconds(800))
            let after = try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(1800))
            #expect(after.allowed && after.count == 1)

            try await counter.block(key: key, until: start.addingTimeInterval(9000), now: start.addingTimeInterval(1801))
            try await counter.clear(key: key)
            #expect(try await counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(1802)).allowed)
        }
    }

    @Test("reset after a success starts the count over; keys expire with their window")
    func resetAndTTL() async throws {
        try await RedisTestSupport.withPool { pool async throws in
            let counter = RedisAttemptCounter(pool: pool, prefix: "test:limit:")
            let key = "account:" + UUID().uuidString
            for _ in 0..<4 { _ = try await counter.reserve(key: key, policy: policy, now: Date()) }
            guard case .integer(let ttl) = try await pool.command(["PTTL", "test:limit:" + key]) else {
                Issue.record("PTTL did not answer an integer")
                return
            }
            #expect(ttl > 0 && ttl <= 900_000)
            try await counter.reset(key: key, now: Date())
            #expect(try await pool.command(["EXISTS", "test:limit:" + key]) == .integer(0))
            #expect(try await counter.reserve(key: key, policy: policy, now: Date()).count == 1)
        }
    }
}
