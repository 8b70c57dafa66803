import Foundation
public import GatehouseCore

/// Refresh-token families in PostgreSQL (`refresh_tokens`). Rotation locks the presented row
/// (`FOR UPDATE`) so two concurrent uses of one token cannot both succeed.
public struct PostgresRefreshTokenStore: RefreshTokenStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "digest, family_id, client_id, user_id, scopes, session_id, auth_time, amr, created_at, expires_at, family_expires_at"

    public func insert(_ token: RefreshTokenRecord) async throws {
        _ = try await pool.query(Self.insertSQL, Self.values(token))
    }

    public func rotate(digest: [UInt8], clientID: String, now: Date,
                       replacement: @escaping @Sendable (RefreshTokenRecord) -> RefreshTokenRecord?) async throws -> RefreshRotation {
        try await pool.transaction { connection in
            guard let row = try connection.query(
                "SELECT \(Self.columns), used_at, revoked_at FROM refresh_tokens WHERE digest = $1 FOR UPDATE",
                [.bytes(digest)]).rows.first else { return .notFound }
            let record = try Self.record(row)
            guard record.clientID == clientID else { return .notFound }
            if try row.optionalDate("revoked_at") != nil { return .revoked }
            if try row.optionalDate("used_at") != nil {
                _ = try connection.query(Self.revokeFamilySQL, [.uuid(record.familyID), .timestamp(now)])
                return .reused(familyID: record.familyID)
            }
            guard record.expiresAt > now, record.familyExpiresAt > now else { return .expired }
            guard let next = replacement(record) else { return .refused }
            _ = try connection.query("UPDATE refresh_tokens SET used_at = $2 WHERE digest = $1", [.bytes(digest), .timestamp(now)])
            _ = try connection.query(Self.insertSQL, Self.values(next))
            return .rotated(previous: record, replacement: next)
        }
    }

    public func revokeFamily(_ familyID: UUID, at date: Date) async throws {
        _ = try await pool.query(Self.revokeFamilySQL, [.uuid(familyID), .timestamp(date)])
    }

    public func find(digest: [UInt8]) async throws -> StoredRefreshToken? {
        try await pool.query("SELECT \(Self.columns), used_at, revoked_at FROM refresh_tokens WHERE digest = $1",
                             [.bytes(digest)]).rows.first.map { row in
            StoredRefreshToken(record: try Self.record(row), usedAt: try row.optionalDate("used_at"),
                               revokedAt: try row.optionalDate("revoked_at"))
        }
    }

    public func revokeAll(userID: UUID, clientID: String?, at date: Date) async throws {
        if let clientID {
            _ = try await pool.query(
                "UPDATE refresh_tokens SET revoked_at = $3 WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL",
                [.uuid(userID), .text(clientID), .timestamp(date)])
        } else {
            _ = try await pool.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                                     [.uuid(userID), .timestamp(date)])
        }
    }

    public func isFamilyRevoked(_ familyID: UUID) async throws -> Bool {
        let row = try await pool.query(
            "SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS live, count(*) AS total FROM refresh_tokens WHERE family_id = $1",
            [.uuid(familyID)]).rows.first
        return try row.map { try $0.int("total") > 0 && $0.int("live") == 0 } ?? false
    }

    static let insertSQL = "INSERT INTO refresh_tokens (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    static let revokeFamilySQL = "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL"

    static func values(_ token: RefreshTokenRecord) -> [PostgresValue] {
        [.bytes(token.digest), .uuid(token.familyID), .text(token.clientID), .uuid(token.userID), .textArray(token.scopes),
         .optionalUUID(token.sessionID), .timestamp(token.authTime), .textArray(token.amr), .timestamp(token.createdAt),
         .timestamp(token.expiresAt), .timestamp(token.familyExpiresAt)]
    }

    static func record(_ row: PostgresRow) throws -> RefreshTokenRecord {
        RefreshTokenRecord(digest: try row.bytes("digest"), familyID: try row.uuid("family_id"), clientID: try row.string("client_id"),
                           userID: try row.uuid("user_id"), scopes: try row.stringArray("scopes"),
                           sessionID: try row.optionalUUID("session_id"), authTime: try row.date("auth_time"),
                           amr: try row.stringArray("amr"), createdAt: try row.date("created_at"),
                           expiresAt: try row.date("expires_at"), familyExpiresAt: try row.date("family_expires_at"))
    }
}
