import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Durable lockouts: a lock is started once, survives until it ends, and can be lifted.
@Suite("PostgresLockoutStore")
struct PostgresLockoutStoreTests {
    let now = Date()

    /// The shared test database, migrated by `./dev test`.
    var store: PostgresLockoutStore { get throws { PostgresLockoutStore(pool: try TestServices.postgres()) } }

    func subject() -> [UInt8] { Array(UUID().uuidString.utf8) }

    @Test("of many lock calls at once, exactly one starts the lockout (one email to the owner)")
    func startsOnce() async throws {
        let subject = subject()
        let store = try store, now = now
        let started = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await store.lock(subject: subject, at: now, until: now.addingTimeInterval(900)) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(started == 1)
        let until = try #require(try await store.lockedUntil(subject: subject, now: now))
        #expect(abs(until.timeIntervalSince(now) - 900) < 0.01)
    }

    @Test("a lock ends at its time; an ended lock can be started again")
    func expiry() async throws {
        let store = try store, subject = subject()
        #expect(try await store.lock(subject: subject, at: now, until: now.addingTimeInterval(900)))
        #expect(try await store.lockedUntil(subject: subject, now: now.addingTimeInterval(899)) != nil)
        #expect(try await store.lockedUntil(subject: subject, now: now.addingTimeInterval(900)) == nil)
        #expect(!(try await store.lock(subject: subject, at: now.addingTimeInterval(10), until: now.addingTimeInterval(910))))
        #expect(try await store.lock(subject: subject, at: now.addingTimeInterval(901), until: now.addingTimeInterval(1801)))
    }

    @Test("lift removes the lock")
    func lift() async throws {
        let store = try store, subject = subject()
        _ = try await store.lock(subject: subject, at: now, until: now.addingTimeInterval(900))
        try await store.lift(subject: subject)
        #expect(try await store.lockedUntil(subject: subject, now: now) == nil)
    }
}
