import Foundation
public import GatehouseCore

/// Recovery codes in PostgreSQL (`recovery_codes`): digests only. Consuming is one conditional
/// UPDATE, so a code works once even when sent twice at the same moment.
public struct PostgresRecoveryCodeStore: RecoveryCodeStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func replace(userID: UUID, digests: [[UInt8]], at date: Date) async throws {
        _ = try await pool.transaction { connection in
            _ = try connection.query("DELETE FROM recovery_codes WHERE user_id = $1", [.uuid(userID)])
            for digest in digests {
                _ = try connection.query("INSERT INTO recovery_codes (user_id, digest, created_at) VALUES ($1, $2, $3)",
                                         [.uuid(userID), .bytes(digest), .timestamp(date)])
            }
        }
    }

    public func consume(userID: UUID, digest: [UInt8], at date: Date) async throws -> Bool {
        try await pool.query(
            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND digest = $2 AND used_at IS NULL",
            [.uuid(userID), .bytes(digest), .timestamp(date)]).affectedRows == 1
    }

    public func remaining(userID: UUID) async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                             [.uuid(userID)]).rows.first?.int("n") ?? 0
    }

    public func removeAll(userID: UUID) async throws {
        _ = try await pool.query("DELETE FROM recovery_codes WHERE user_id = $1", [.uuid(userID)])
    }
}
