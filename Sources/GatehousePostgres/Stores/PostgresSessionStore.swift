import Foundation
public import GatehouseCore

/// Browser sessions in PostgreSQL (`browser_sessions`), found by the digest of the cookie.
public struct PostgresSessionStore: SessionStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, user_id, auth_time, amr, created_at, expires_at, last_seen_at, ip_address, user_agent, second_factor, impersonator_id, support_reason, impersonator_session_id"

    public func create(_ session: BrowserSession, tokenDigest: [UInt8]) async throws {
        // The user's last sign-in (the directory's order, migration 0020) moves in the same statement.
        _ = try await pool.query(
            """
            WITH session AS (
                INSERT INTO browser_sessions (token_digest, \(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                RETURNING user_id, created_at)
            UPDATE users SET last_sign_in_at = session.created_at FROM session
            WHERE users.id = session.user_id AND users.last_sign_in_at < session.created_at
            """,
            [.bytes(tokenDigest), .uuid(session.id), .uuid(session.userID), .timestamp(session.authTime),
             .textArray(session.amr), .timestamp(session.createdAt), .timestamp(session.expiresAt),
             .timestamp(session.lastSeenAt), .optionalText(session.ipAddress), .optionalText(session.userAgent),
             .optionalText(session.secondFactor?.rawValue), session.support.map { .uuid($0.impersonatorID) } ?? .null,
             .optionalText(session.support?.reason), session.support?.impersonatorSessionID.map { .uuid($0) } ?? .null])
    }

    public func find(tokenDigest: [UInt8], now: Date) async throws -> BrowserSession? {
        try await pool.query(
            "SELECT \(Self.columns) FROM browser_sessions WHERE token_digest = $1 AND revoked_at IS NULL AND expires_at > $2",
            [.bytes(tokenDigest), .timestamp(now)]).rows.first.map(Self.session)
    }

    public func find(id: UUID) async throws -> BrowserSession? {
        try await pool.query("SELECT \(Self.columns) FROM browser_sessions WHERE id = $1 AND revoked_at IS NULL",
                             [.uuid(id)]).rows.first.map(Self.session)
    }

    public func touch(id: UUID, at date: Date) async throws {
        _ = try await pool.query("UPDATE browser_sessions SET last_seen_at = $2 WHERE id = $1", [.uuid(id), .timestamp(date)])
    }

    public func revoke(id: UUID, at date: Date) async throws {
        _ = try await pool.query("UPDATE browser_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                                 [.uuid(id), .timestamp(date)])
    }

    public func list(userID: UUID, now: Date, after cursor: SessionCursor?, limit: Int) async throws -> [BrowserSession] {
        try await pool.query(
            """
            SELECT \(Self.columns) FROM browser_sessions
            WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND support_reason IS NULL
              AND ($3::timestamptz IS NULL OR (last_seen_at, id) < ($3, $4::uuid))
            ORDER BY last_seen_at DESC, id DESC LIMIT $5
            """, [.uuid(userID), .timestamp(now), cursor.map { .timestamp($0.lastSeenAt) } ?? .null, cursor.map { .uuid($0.id) } ?? .null,
                  .int(min(limit, 1_000_000))]).rows.map(Self.session)
    }

    public func purgeEnded(before date: Date, limit: Int) async throws -> Int {
        try await pool.query(
            """
            DELETE FROM browser_sessions WHERE id IN (
                SELECT id FROM browser_sessions WHERE (expires_at < $1 OR revoked_at < $1) AND support_reason IS NULL LIMIT $2)
            RETURNING id
            """, [.timestamp(date), .int(max(0, limit))]).rows.count
    }

    public func revokeAll(userID: UUID, at date: Date) async throws {
        _ = try await pool.query("UPDATE browser_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                                 [.uuid(userID), .timestamp(date)])
    }

    public func revokeAll(userID: UUID, except kept: UUID, at date: Date) async throws {
        _ = try await pool.query(
            "UPDATE browser_sessions SET revoked_at = $2 WHERE user_id = $1 AND id <> $3 AND revoked_at IS NULL",
            [.uuid(userID), .timestamp(date), .uuid(kept)])
    }

    public func supportSignIns(userID: UUID, limit: Int) async throws -> [SupportSignInRecord] {
        try await pool.query(
            """
            SELECT s.id, s.impersonator_id, a.email, s.support_reason, s.created_at, LEAST(s.expires_at, s.revoked_at) AS ended_at
            FROM browser_sessions s LEFT JOIN users a ON a.id = s.impersonator_id
            WHERE s.user_id = $1 AND s.support_reason IS NOT NULL
            ORDER BY s.created_at DESC, s.id DESC LIMIT $2
            """, [.uuid(userID), .int(max(0, min(limit, 1000)))]).rows.map { row in
                SupportSignInRecord(sessionID: try row.uuid("id"), impersonatorID: try row.optionalUUID("impersonator_id"),
                                    impersonatorEmail: try row.optionalString("email"), reason: try row.string("support_reason"),
                                    startedAt: try row.date("created_at"), endedAt: try row.date("ended_at"))
            }
    }

    /// A session deleted administrator's support session reads with the nil UUID as its
    /// administrator: nobody, so it is never admitted again.
    static let nobody = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    static func session(_ row: PostgresRow) throws -> BrowserSession {
        var session = BrowserSession(id: try row.uuid("id"), userID: try row.uuid("user_id"), authTime: try row.date("auth_time"),
                       amr: try row.stringArray("amr"), createdAt: try row.date("created_at"),
                       expiresAt: try row.date("expires_at"), lastSeenAt: try row.date("last_seen_at"),
                       ipAddress: try row.optionalString("ip_address"), userAgent: try row.optionalString("user_agent"))
        session.secondFactor = try row.optionalString("second_factor").flatMap(ProvenSecondFactor.init(rawValue:))
        if let reason = try row.optionalString("support_reason") {
            session.support = SupportMark(impersonatorID: try row.optionalUUID("impersonator_id") ?? nobody, reason: reason,
                                          impersonatorSessionID: try row.optionalUUID("impersonator_session_id"))
        }
        return session
    }
}
