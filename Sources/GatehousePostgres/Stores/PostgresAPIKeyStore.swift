import Foundation
public import GatehouseCore

/// API keys in PostgreSQL (`api_keys`, migration 0021), found by the SHA-256 digest of their
/// text (a unique index). The last-use and refusal-notice writes are conditional UPDATEs, so
/// concurrent uses on several instances write once per interval between them.
public struct PostgresAPIKeyStore: APIKeyStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, user_id, name, scopes, created_at, expires_at, last_used_at, revoked_at, revoked_by"

    public func create(_ key: APIKey, digest: [UInt8], liveLimit: Int) async throws -> Bool {
        do {
            return try await pool.transaction { connection in
                // The owner's row is the lock: a second create for them waits here, and its count
                // (a statement of its own, so a snapshot taken after the first committed) sees the
                // first one's key.
                guard !(try connection.query("SELECT 1 FROM users WHERE id = $1 AND status <> 'erased' FOR UPDATE",
                                             [.uuid(key.userID)]).rows.isEmpty) else {
                    throw StoreError.conflict("the key's owner no longer exists")
                }
                return !(try connection.query(
                    """
                    INSERT INTO api_keys (id, token_digest, user_id, name, scopes, created_at, expires_at)
                    SELECT $1, $2, $3, $4, $5::text[], $6, $7
                    WHERE (SELECT count(*) FROM api_keys WHERE user_id = $3 AND revoked_at IS NULL AND expires_at > $6) < $8
                    RETURNING id
                    """,
                    [.uuid(key.id), .bytes(digest), .uuid(key.userID), .text(key.name), .textArray(key.scopes), .timestamp(key.createdAt),
                     .timestamp(key.expiresAt), .int(liveLimit)]).rows.isEmpty)
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("the key's digest is taken")
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw StoreError.conflict("the key's owner no longer exists")
        }
    }

    public func find(digest: [UInt8]) async throws -> APIKey? {
        try await pool.query("SELECT \(Self.columns) FROM api_keys WHERE token_digest = $1", [.bytes(digest)]).rows.first.map(Self.key)
    }

    public func list(userID: UUID, limit: Int) async throws -> [APIKey] {
        try await pool.query(
            """
            SELECT \(Self.columns) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL
            ORDER BY created_at DESC, id DESC LIMIT $2
            """, [.uuid(userID), .int(max(0, limit))]).rows.map(Self.key)
    }

    public func countLive(userID: UUID, now: Date) async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
                             [.uuid(userID), .timestamp(now)]).rows.first?.int("n") ?? 0
    }

    public func revoke(id: UUID, userID: UUID, at date: Date, by actor: String) async throws -> APIKey? {
        try await pool.query(
            """
            UPDATE api_keys SET revoked_at = $3, revoked_by = $4
            WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING \(Self.columns)
            """, [.uuid(id), .uuid(userID), .timestamp(date), .text(actor)]).rows.first.map(Self.key)
    }

    public func recordUse(id: UUID, at date: Date, resolution: TimeInterval) async throws -> Bool {
        try await pool.query(
            """
            UPDATE api_keys SET last_used_at = $2
            WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3) RETURNING id
            """, [.uuid(id), .timestamp(date), .timestamp(date.addingTimeInterval(-resolution))]).rows.isEmpty == false
    }

    public func claimRefusalNotice(id: UUID, at date: Date, resolution: TimeInterval) async throws -> Bool {
        try await pool.query(
            """
            UPDATE api_keys SET refusal_noticed_at = $2
            WHERE id = $1 AND (refusal_noticed_at IS NULL OR refusal_noticed_at <= $3) RETURNING id
            """, [.uuid(id), .timestamp(date), .timestamp(date.addingTimeInterval(-resolution))]).rows.isEmpty == false
    }

    static func key(_ row: PostgresRow) throws -> APIKey {
        APIKey(id: try row.uuid("id"), userID: try row.uuid("user_id"), name: try row.string("name"), scopes: try row.stringArray("scopes"),
               createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"), lastUsedAt: try row.optionalDate("last_used_at"),
               revokedAt: try row.optionalDate("revoked_at"), revokedBy: try row.optionalString("revoked_by"))
    }
}
