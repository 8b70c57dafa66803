import Foundation
public import GatehouseCore

/// Users imported from other providers (`external_identities`, migration 0025).
public struct PostgresExternalIdentityStore: ExternalIdentityStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func userID(source: String, externalID: String) async throws -> UUID? {
        try await pool.query("SELECT user_id FROM external_identities WHERE source = $1 AND external_id = $2",
                             [.text(source), .text(externalID)]).rows.first.map { try $0.uuid("user_id") }
    }

    public func createUser(_ user: User, source: String, externalID: String, by actor: UUID?) async throws {
        do {
            try await pool.transaction { connection in
                let (sql, parameters) = PostgresUserStore.insert(user)
                _ = try connection.query(sql, parameters)
                _ = try connection.query(
                    """
                    INSERT INTO external_identities (source, external_id, user_id, created_at, created_by, updated_at, updated_by)
                    VALUES ($1, $2, $3, $4, $5, $4, $5)
                    """, [.text(source), .text(externalID), .uuid(user.id), .timestamp(user.createdAt), .uuid(actor)])
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("the email or the external id is taken")
        }
    }

    public func touch(source: String, externalID: String, at date: Date, by actor: UUID?) async throws {
        _ = try await pool.query("UPDATE external_identities SET updated_at = $3, updated_by = $4 WHERE source = $1 AND external_id = $2",
                                 [.text(source), .text(externalID), .timestamp(date), .uuid(actor)])
    }
}
