import Foundation
public import GatehouseCore

/// Account lockouts in PostgreSQL (`account_lockouts`, migration 0007), keyed by the subject's
/// digest. Starting a lockout is one upsert that only replaces an expired row, so of many
/// failures at once exactly one reports a new lockout (and the owner gets one email).
public struct PostgresLockoutStore: LockoutStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func lockedUntil(subject: [UInt8], now: Date) async throws -> Date? {
        try await pool.query("SELECT locked_until FROM account_lockouts WHERE subject = $1 AND locked_until > $2",
                             [.bytes(subject), .timestamp(now)]).rows.first?.date("locked_until")
    }

    public func lock(subject: [UInt8], at date: Date, until: Date) async throws -> Bool {
        let started = try await pool.query(
            """
            INSERT INTO account_lockouts (subject, locked_at, locked_until) VALUES ($1, $2, $3)
            ON CONFLICT (subject) DO UPDATE SET locked_at = EXCLUDED.locked_at, locked_until = EXCLUDED.locked_until
            WHERE account_lockouts.locked_until <= EXCLUDED.locked_at
            RETURNING subject
            """, [.bytes(subject), .timestamp(date), .timestamp(until)]).rows.count == 1
        if started {
            // Lockouts are rare (one per subject per lock duration): a good moment to drop rows
            // that ended a day ago (the margin spares clocks a little behind this one).
            _ = try await pool.query("DELETE FROM account_lockouts WHERE locked_until < $1::timestamptz - interval '1 day'",
                                     [.timestamp(date)])
        }
        return started
    }

    public func lift(subject: [UInt8]) async throws {
        _ = try await pool.query("DELETE FROM account_lockouts WHERE subject = $1", [.bytes(subject)])
    }
}
