import Foundation
public import GatehouseCore

/// Password-reset links in PostgreSQL (`password_reset_tokens`): digests only; consuming is one
/// UPDATE … RETURNING, so a link works once even when clicked twice at the same moment.
public struct PostgresPasswordResetStore: PasswordResetStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func create(digest: [UInt8], userID: UUID, provesMailbox: Bool, at date: Date, expiresAt: Date) async throws {
        _ = try await pool.query(
            "INSERT INTO password_reset_tokens (digest, user_id, created_at, expires_at, proves_mailbox) VALUES ($1, $2, $3, $4, $5)",
            [.bytes(digest), .uuid(userID), .timestamp(date), .timestamp(expiresAt), .bool(provesMailbox)])
    }

    public func consume(digest: [UInt8], now: Date) async throws -> PasswordResetLink? {
        let rows = try await pool.query(
            """
            UPDATE password_reset_tokens SET used_at = $2
            WHERE digest = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id, proves_mailbox
            """, [.bytes(digest), .timestamp(now)]).rows
        guard let row = rows.first else { return nil }
        let userID = try row.uuid("user_id")
        let link = PasswordResetLink(userID: userID, provesMailbox: try row.bool("proves_mailbox"))
        // One reset per user at a time: other outstanding links die with this one.
        _ = try await pool.query("UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
                                 [.uuid(userID), .timestamp(now)])
        return link
    }

    public func userID(digest: [UInt8], now: Date) async throws -> UUID? {
        try await pool.query(
            "SELECT user_id FROM password_reset_tokens WHERE digest = $1 AND used_at IS NULL AND expires_at > $2",
            [.bytes(digest), .timestamp(now)]).rows.first?.uuid("user_id")
    }
}
