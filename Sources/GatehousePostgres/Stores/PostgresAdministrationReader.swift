import Foundation
public import GatehouseCore

/// The console's dashboard counts and a user's audit events, read from PostgreSQL.
public struct PostgresAdministrationReader: AdministrationReader {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Past this many users the count is the planner's estimate (kept fresh by autovacuum).
    static let exactUserCountLimit = 100_000

    public func counts(now: Date) async throws -> DirectoryCounts {
        let row = try await pool.query(
            """
            SELECT
              (SELECT CASE WHEN c.reltuples > $2 THEN c.reltuples::bigint ELSE (SELECT count(*) FROM users WHERE status <> 'erased') END
                 FROM pg_class c WHERE c.oid = 'users'::regclass) AS users,
              (SELECT count(*) FROM audit_events WHERE type = 'sign_in_succeeded' AND occurred_at > $1::timestamptz - interval '24 hours') AS sign_ins,
              (SELECT count(*) FROM audit_events WHERE type = 'sign_in_failed' AND occurred_at > $1::timestamptz - interval '24 hours') AS failures,
              (SELECT count(*) FROM browser_sessions WHERE revoked_at IS NULL AND expires_at > $1) AS sessions,
              (SELECT count(*) FROM invitations
                 WHERE accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL AND expires_at > $1) AS invitations,
              (SELECT count(*) FROM account_lockouts WHERE locked_until > $1) AS lockouts
            """, [.timestamp(now), .int(Self.exactUserCountLimit)]).rows.first
        guard let row else { throw PostgresError(message: "the dashboard counts returned nothing") }
        return DirectoryCounts(users: try row.int("users"), signInsLastDay: try row.int("sign_ins"),
                               signInFailuresLastDay: try row.int("failures"), activeSessions: try row.int("sessions"),
                               pendingInvitations: try row.int("invitations"), lockouts: try row.int("lockouts"))
    }

    public func auditEvents(subject: UUID, limit: Int) async throws -> [AuditRecord] {
        try await pool.query(
            """
            SELECT \(PostgresAuditLog.selectColumns)
            FROM audit_events WHERE subject = $1 ORDER BY id DESC LIMIT $2
            """, [.uuid(subject), .int(max(0, min(limit, 1000)))]).rows.map(PostgresAuditLog.record)
    }
}
