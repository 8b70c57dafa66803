import Foundation
public import GatehouseCore

/// Recent password hashes in PostgreSQL (`password_history`), newest first. Recording a
/// password and pruning the older ones happen in one transaction, so the table never holds
/// more than `keeping` hashes per account once a record commits.
public struct PostgresPasswordHistoryStore: PasswordHistoryStore {
    let pool: PostgresPool
    let keeping: Int

    /// - Parameter keeping: how many hashes to keep per account: the policy's `historyCount`
    ///   (0 keeps none).
    public init(pool: PostgresPool, keeping: Int) {
        self.pool = pool
        self.keeping = max(0, keeping)
    }

    public func recentHashes(userID: UUID, limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        return try await pool.query(
            "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            [.uuid(userID), .int(limit)]).rows.map { try $0.string("password_hash") }
    }

    public func record(userID: UUID, hash: String, at date: Date) async throws {
        let keeping = keeping
        try await pool.transaction { connection in
            if keeping > 0 {
                _ = try connection.query("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                                         [.uuid(userID), .text(hash), .timestamp(date)])
            }
            _ = try connection.query(
                """
                DELETE FROM password_history WHERE user_id = $1 AND id NOT IN (
                  SELECT id FROM password_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)
                """, [.uuid(userID), .int(keeping)])
        }
    }
}
