public import Foundation
public import GatehouseCore

/// The user lifecycle's atomic writes in PostgreSQL: a status change with the end of every
/// credential, and the erasure, each one transaction.
public struct PostgresUserLifecycleStore: UserLifecycleStore {
    let pool: PostgresPool
    /// The right-hand side of the farewell's Message-ID (the issuer's host), as the outbox's.
    let messageIDDomain: String

    public init(pool: PostgresPool, messageIDDomain: String) {
        self.pool = pool
        self.messageIDDomain = messageIDDomain
    }

    public func changeStatus(userID: UUID, from: Set<AccountStatus>, to: AccountStatus, notBefore: Date, by: UUID?,
                             at now: Date) async throws -> StatusChange {
        try await pool.transaction { connection in
            guard let row = try connection.query(
                "SELECT status FROM users WHERE id = $1 AND status <> 'erased' FOR UPDATE", [.uuid(userID)]).rows.first else {
                return .notFound
            }
            let current = AccountStatus(rawValue: try row.string("status")) ?? .suspended
            guard from.contains(current) else { return .unchanged(current) }
            if to != .active, try Self.isLastActiveSuperAdmin(userID, connection) { return .lastSuperAdmin }
            _ = try connection.query(
                """
                UPDATE users SET status = $2, status_changed_at = $3, status_changed_by = $4, updated_at = $3, updated_by = $4,
                                 credentials_not_before = CASE WHEN $2 = 'active' THEN credentials_not_before ELSE $5 END
                WHERE id = $1
                """, [.uuid(userID), .text(to.rawValue), .timestamp(now), .optionalUUID(by), .timestamp(notBefore)])
            if to != .active { try Self.revokeCredentials(userID, at: now, connection) }
            return .changed(from: current)
        }
    }

    public func erase(userID: UUID, by: UUID?, at now: Date, farewell: OutgoingMail?) async throws -> Erasure {
        let domain = messageIDDomain
        return try await pool.transaction { connection in
            guard let row = try connection.query(
                "SELECT email FROM users WHERE id = $1 AND status <> 'erased' FOR UPDATE", [.uuid(userID)]).rows.first else {
                return .notFound
            }
            let email = try row.string("email")
            if try Self.isLastActiveSuperAdmin(userID, connection) { return .lastSuperAdmin }
            let user = [PostgresValue.uuid(userID)]
            // Mail to the address first, then the farewell (the only mail it keeps, until it is sent).
            _ = try connection.query("DELETE FROM email_outbox WHERE recipient = $1", [.text(email)])
            if let farewell {
                // Marked so that the outbox forgets the address once the mail has left (a trigger).
                let id = UUID()
                _ = try connection.query(
                    """
                    INSERT INTO email_outbox (id, message_id, recipient, subject, text_body, html_body, next_attempt_at, created_at,
                                              forget_recipient)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, true)
                    """,
                    [.uuid(id), .text("<\(id.uuidString.lowercased())@\(domain)>"), .text(farewell.to), .text(farewell.subject),
                     .text(farewell.textBody), .optionalText(farewell.htmlBody), .timestamp(now)])
            }
            try Self.revokeCredentials(userID, at: now, connection)
            for table in ["browser_sessions", "refresh_tokens", "consents", "memberships", "platform_roles", "custom_role_assignments",
                          "mfa_credentials", "recovery_codes", "password_history", "password_reset_tokens", "api_keys"] {
                _ = try connection.query("DELETE FROM \(table) WHERE user_id = $1", user)
            }
            _ = try connection.query("DELETE FROM invitations WHERE email = $1", [.text(email)])
            // An import's job items are the file's rows (the address, name and password hash as
            // given) and results that name the address: the rows of this address go blank, their
            // results keep what happened without it.
            _ = try connection.query(
                """
                UPDATE bulk_job_items
                SET payload = '{}'::jsonb, reason = replace(replace(reason, payload->>'email', 'an erased address'), $1, 'an erased address')
                WHERE lower(btrim(payload->>'email')) = $1
                """, [.text(email)])
            _ = try connection.query(Self.erasePersonalAuditSQL, [.uuid(userID), .text(AuditEvent.user(userID)), .timestamp(now)])
            _ = try connection.query(
                """
                UPDATE users SET status = 'erased', email = NULL, email_verified = false, email_verified_at = NULL, name = NULL,
                                 given_name = NULL, family_name = NULL, picture = NULL, password_hash = NULL,
                                 password_changed_at = NULL, terms_accepted_at = NULL, credentials_not_before = $2,
                                 status_changed_at = $2, status_changed_by = $3, updated_at = $2, updated_by = $3,
                                 deleted_at = $2, deleted_by = $3
                WHERE id = $1
                """, [.uuid(userID), .timestamp(now), .optionalUUID(by)])
            return .erased
        }
    }

    public func erasePersonalAuditData(userID: UUID, at now: Date) async throws {
        _ = try await pool.query(Self.erasePersonalAuditSQL, [.uuid(userID), .text(AuditEvent.user(userID)), .timestamp(now)])
    }

    public func activeSuperAdmins() async throws -> Int {
        try await pool.query(
            """
            SELECT count(*) AS n FROM platform_roles p JOIN users u ON u.id = p.user_id
            WHERE p.role = 'super_admin' AND u.status = 'active'
            """).rows.first?.int("n") ?? 0
    }

    public func auditEvents(concerning userID: UUID, limit: Int) async throws -> [AuditRecord] {
        // Two index scans (subject, actor), merged newest first.
        try await pool.query(
            """
            SELECT \(PostgresAuditLog.recordColumns) FROM audit_events WHERE id IN (
                (SELECT id FROM audit_events WHERE subject = $1 ORDER BY id DESC LIMIT $3)
                UNION
                (SELECT id FROM audit_events WHERE actor = $2 ORDER BY id DESC LIMIT $3))
            ORDER BY id DESC LIMIT $3
            """, [.uuid(userID), .text(AuditEvent.user(userID)), .int(limit)]).rows.map(PostgresAuditLog.record)
    }

    /// The one UPDATE the audit trail's trigger allows: the personal part of v2 rows goes.
    static let erasePersonalAuditSQL = """
        UPDATE audit_events SET personal = NULL, personal_erased_at = $3
        WHERE (subject = $1 OR actor = $2) AND personal IS NOT NULL
        """

    /// Serializes the changes that take an account out of "active" (ASCII "ghstatus"): the
    /// statements after it see every such change committed before (READ COMMITTED), so two
    /// suspensions of the last two super_admins at once cannot both pass.
    static let statusLockKey = 0x6768_7374_6174_7573

    /// Whether the account holds `super_admin` and no other active account does. Takes the status
    /// lock first (a row lock on the super_admins would not do: a concurrent suspension changes
    /// `users`, which this statement's snapshot would not see), and locks the super_admins' rows,
    /// so a role change at the same moment queues too.
    static func isLastActiveSuperAdmin(_ userID: UUID, _ connection: PostgresConnection) throws -> Bool {
        _ = try connection.query("SELECT pg_advisory_xact_lock($1::bigint)", [.int(statusLockKey)])
        let holders = try connection.query(
            """
            SELECT p.user_id, u.status FROM platform_roles p JOIN users u ON u.id = p.user_id
            WHERE p.role = 'super_admin' FOR UPDATE OF p
            """).rows
        let ids = try holders.map { try $0.uuid("user_id") }
        guard ids.contains(userID) else { return false }
        let othersActive = try holders.filter { try $0.uuid("user_id") != userID && $0.string("status") == "active" }
        return othersActive.isEmpty
    }

    /// Ends every browser session and refresh-token family of the user (as `revokeAll` does).
    static func revokeCredentials(_ userID: UUID, at now: Date, _ connection: PostgresConnection) throws {
        _ = try connection.query("UPDATE browser_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                                 [.uuid(userID), .timestamp(now)])
        _ = try connection.query(
            """
            WITH revoked AS (
                UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING family_id)
            INSERT INTO refresh_token_family_revocations (family_id, revoked_at)
            SELECT DISTINCT family_id, $2::timestamptz FROM revoked
            ON CONFLICT (family_id) DO NOTHING
            """, [.uuid(userID), .timestamp(now)])
    }
}
