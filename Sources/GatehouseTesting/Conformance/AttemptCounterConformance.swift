import Foundation
import GatehouseCore
import Testing

/// `AttemptCounter`'s contract (Ports/AttemptCounter.swift): fixed windows that start with the
/// first attempt, counted and decided in one step on the caller's clock; blocks; giving one
/// attempt back; forgetting after a success.
public enum AttemptCounterConformance {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = LimitPolicy(limit: 3, window: .seconds(60))

    static func key() -> String { Fixtures.unique("key") }

    public static let checks: [ConformanceCheck<EphemeralStores>] = [
        ConformanceCheck("AttemptCounter: up to the limit is counted and allowed; the next is refused, uncounted, until the window ends") { stores async throws in
            let key = key()
            for count in 1...3 {
                #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(Double(count)))
                        == AttemptCount(allowed: true, count: count, retryAfter: .seconds(61 - count)))
            }
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(10))
                    == AttemptCount(allowed: false, count: 3, retryAfter: .seconds(51)), "the window began with the first attempt")
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(61))
                    == AttemptCount(allowed: true, count: 1, retryAfter: .seconds(60)), "a new window")
        },
        ConformanceCheck("AttemptCounter: peek answers as reserve would, without counting") { stores async throws in
            let key = key()
            #expect(try await stores.counter.peek(key: key, policy: policy, now: start)
                    == AttemptCount(allowed: true, count: 0, retryAfter: .seconds(60)))
            _ = try await stores.counter.reserve(key: key, policy: policy, now: start)
            #expect(try await stores.counter.peek(key: key, policy: policy, now: start.addingTimeInterval(5))
                    == AttemptCount(allowed: true, count: 1, retryAfter: .seconds(55)))
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(6)).count == 2)
        },
        ConformanceCheck("AttemptCounter: a block refuses until its end, and the count starts over after it") { stores async throws in
            let key = key()
            _ = try await stores.counter.reserve(key: key, policy: policy, now: start)
            try await stores.counter.block(key: key, until: start.addingTimeInterval(900), now: start.addingTimeInterval(1))
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(100))
                    == AttemptCount(allowed: false, count: 0, retryAfter: .seconds(800)))
            #expect(try await stores.counter.peek(key: key, policy: policy, now: start.addingTimeInterval(100)).allowed == false)
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(900))
                    == AttemptCount(allowed: true, count: 1, retryAfter: .seconds(60)))
        },
        ConformanceCheck("AttemptCounter: reset forgets the attempts after a success, but a block in force stays") { stores async throws in
            let key = key()
            for _ in 0..<3 { _ = try await stores.counter.reserve(key: key, policy: policy, now: start) }
            try await stores.counter.reset(key: key, now: start.addingTimeInterval(1))
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(2)).count == 1)
            try await stores.counter.block(key: key, until: start.addingTimeInterval(300), now: start.addingTimeInterval(3))
            try await stores.counter.reset(key: key, now: start.addingTimeInterval(4))
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(5)).allowed == false)
        },
        ConformanceCheck("AttemptCounter: clear forgets the key, block included") { stores async throws in
            let key = key()
            try await stores.counter.block(key: key, until: start.addingTimeInterval(300), now: start)
            try await stores.counter.clear(key: key)
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(1))
                    == AttemptCount(allowed: true, count: 1, retryAfter: .seconds(60)))
        },
        ConformanceCheck("AttemptCounter: release gives back one attempt of the window in force, and nothing else") { stores async throws in
            let key = key()
            try await stores.counter.release(key: key, policy: policy, now: start)
            #expect(try await stores.counter.peek(key: key, policy: policy, now: start).count == 0, "nothing to give back")
            _ = try await stores.counter.reserve(key: key, policy: policy, now: start)
            _ = try await stores.counter.reserve(key: key, policy: policy, now: start)
            try await stores.counter.release(key: key, policy: policy, now: start.addingTimeInterval(1))
            #expect(try await stores.counter.peek(key: key, policy: policy, now: start.addingTimeInterval(2)).count == 1)
            try await stores.counter.release(key: key, policy: policy, now: start.addingTimeInterval(2))
            try await stores.counter.release(key: key, policy: policy, now: start.addingTimeInterval(3))
            #expect(try await stores.counter.peek(key: key, policy: policy, now: start.addingTimeInterval(4)).count == 0, "never below zero")
            _ = try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(5))
            try await stores.counter.release(key: key, policy: policy, now: start.addingTimeInterval(60))
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(59)).count == 2,
                    "a release after the window ended gave nothing back")
            try await stores.counter.block(key: key, until: start.addingTimeInterval(300), now: start.addingTimeInterval(59))
            try await stores.counter.release(key: key, policy: policy, now: start.addingTimeInterval(59))
            #expect(try await stores.counter.reserve(key: key, policy: policy, now: start.addingTimeInterval(60)).allowed == false,
                    "a block in force stays")
        },
        ConformanceCheck("AttemptCounter: keys are apart") { stores async throws in
            let a = key(), b = key()
            for _ in 0..<3 { _ = try await stores.counter.reserve(key: a, policy: policy, now: start) }
            #expect(try await stores.counter.reserve(key: a, policy: policy, now: start).allowed == false)
            #expect(try await stores.counter.reserve(key: b, policy: policy, now: start).allowed)
        },
        ConformanceCheck("AttemptCounter: of 50 parallel reservations exactly the limit get through") { stores async throws in
            let key = key(), policy = LimitPolicy(limit: 5, window: .seconds(60))
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 { group.addTask { try await stores.counter.reserve(key: key, policy: policy, now: start).allowed } }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(allowed == 5)
        },
    ]
}
