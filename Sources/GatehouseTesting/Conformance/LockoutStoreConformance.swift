import Foundation
import GatehouseCore
import Testing

/// `LockoutStore`'s contract (Ports/LockoutStore.swift): a lock in force until its end, started
/// once per lockout (of parallel starts exactly one is new), lifted at once.
public enum LockoutStoreConformance {
    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("LockoutStore: a lock holds until its end; a second lock while it holds is not new and keeps the end") { stores async throws in
            let subject = Fixtures.digest(), now = Fixtures.now, until = now.addingTimeInterval(900)
            #expect(try await stores.lockouts.lockedUntil(subject: subject, now: now) == nil)
            #expect(try await stores.lockouts.lock(subject: subject, at: now, until: until))
            #expect(try await stores.lockouts.lockedUntil(subject: subject, now: now.addingTimeInterval(899)) == until)
            #expect(try await stores.lockouts.lock(subject: subject, at: now.addingTimeInterval(10), until: until.addingTimeInterval(10)) == false)
            #expect(try await stores.lockouts.lockedUntil(subject: subject, now: now.addingTimeInterval(20)) == until)
            #expect(try await stores.lockouts.lockedUntil(subject: subject, now: until) == nil, "over at its end")
        },
        ConformanceCheck("LockoutStore: after a lock ends, the next lock is a new lockout") { stores async throws in
            let subject = Fixtures.digest(), now = Fixtures.now
            #expect(try await stores.lockouts.lock(subject: subject, at: now, until: now.addingTimeInterval(60)))
            let later = now.addingTimeInterval(60)
            #expect(try await stores.lockouts.lock(subject: subject, at: later, until: later.addingTimeInterval(60)))
            #expect(try await stores.lockouts.lockedUntil(subject: subject, now: later) == later.addingTimeInterval(60))
        },
        ConformanceCheck("LockoutStore: lifting ends the lock at once; subjects are apart") { stores async throws in
            let subject = Fixtures.digest(), other = Fixtures.digest(), now = Fixtures.now
            _ = try await stores.lockouts.lock(subject: subject, at: now, until: now.addingTimeInterval(900))
            _ = try await stores.lockouts.lock(subject: other, at: now, until: now.addingTimeInterval(900))
            try await stores.lockouts.lift(subject: subject)
            #expect(try await stores.lockouts.lockedUntil(subject: subject, now: now) == nil)
            #expect(try await stores.lockouts.lockedUntil(subject: other, now: now) != nil)
            #expect(try await stores.lockouts.lock(subject: subject, at: now, until: now.addingTimeInterval(900)), "new after a lift")
        },
        ConformanceCheck("LockoutStore: of parallel lock starts exactly one is new (one email per lockout)") { stores async throws in
            let subject = Fixtures.digest(), now = Fixtures.now
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await stores.lockouts.lock(subject: subject, at: now, until: now.addingTimeInterval(900)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
        },
    ]
}
