import Foundation
import GatehouseCore

/// `LockoutStore` in memory, as `PostgresLockoutStore` behaves (`LockoutStoreConformance`): a lock
/// starts only where none is in force, so of many failures at once exactly one reports it.
public actor InMemoryLockoutStore: LockoutStore {
    struct Lock { let lockedAt: Date; let lockedUntil: Date }

    var locks: [[UInt8]: Lock] = [:]

    public init() {}

    public func lockedUntil(subject: [UInt8], now: Date) async throws -> Date? {
        guard let lock = locks[subject], lock.lockedUntil > now else { return nil }
        return lock.lockedUntil
    }

    public func lock(subject: [UInt8], at date: Date, until: Date) async throws -> Bool {
        if let lock = locks[subject], lock.lockedUntil > date { return false }
        locks[subject] = Lock(lockedAt: date, lockedUntil: until)
        // As the real store does on a new lock: rows that ended a day ago go.
        locks = locks.filter { $0.value.lockedUntil >= date.addingTimeInterval(-86_400) }
        return true
    }

    public func lift(subject: [UInt8]) async throws {
        locks[subject] = nil
    }
}
