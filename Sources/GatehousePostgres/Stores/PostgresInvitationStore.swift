import Foundation
public import GatehouseCore

/// Invitations in PostgreSQL. `accept` locks the invitation row (`FOR UPDATE`) and makes every
/// change it brings in the same transaction: two accepts of one link at the same moment queue
/// on the lock, and the second finds it accepted.
public struct PostgresInvitationStore: InvitationStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = """
        id, email, role, organization_id, invited_by, created_at, expires_at, accepted_at, accepted_by, revoked_at, revoked_by,
        replaced_by, expired_at
        """

    static let pendingCondition = "accepted_at IS NULL AND revoked_at IS NULL AND expired_at IS NULL"

    public func create(_ invitation: Invitation, digest: [UInt8]) async throws {
        do {
            _ = try await pool.query(Self.insertSQL, Self.insertParameters(invitation, digest: digest))
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("\(invitation.email) has a pending invitation there")
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw StoreError.conflict("the organization no longer exists")
        }
    }

    static let insertSQL = """
        INSERT INTO invitations (id, token_digest, email, role, organization_id, invited_by, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """

    static func insertParameters(_ invitation: Invitation, digest: [UInt8]) -> [PostgresValue] {
        [.uuid(invitation.id), .bytes(digest), .text(invitation.email), .text(invitation.role.rawValue), .uuid(invitation.organizationID),
         .uuid(invitation.invitedBy), .timestamp(invitation.createdAt), .timestamp(invitation.expiresAt)]
    }

    public func find(digest: [UInt8]) async throws -> Invitation? {
        try await pool.query("SELECT \(Self.columns) FROM invitations WHERE token_digest = $1", [.bytes(digest)]).rows.first.map(Self.invitation)
    }

    public func find(id: UUID) async throws -> Invitation? {
        try await pool.query("SELECT \(Self.columns) FROM invitations WHERE id = $1", [.uuid(id)]).rows.first.map(Self.invitation)
    }

    public func pending(email: String, organizationID: UUID?) async throws -> Invitation? {
        try await pool.query(
            """
            SELECT \(Self.columns) FROM invitations
            WHERE email = $1 AND organization_id IS NOT DISTINCT FROM $2 AND \(Self.pendingCondition)
            """, [.text(email), .uuid(organizationID)]).rows.first.map(Self.invitation)
    }

    public func list(invitedBy: UUID?, organizationID: UUID?, before cursor: InvitationCursor?, limit: Int) async throws -> [Invitation] {
        try await pool.query(
            """
            SELECT \(Self.columns) FROM invitations
            WHERE ($1::uuid IS NULL OR invited_by = $1) AND ($2::uuid IS NULL OR organization_id = $2)
              AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
            ORDER BY created_at DESC, id DESC LIMIT $5
            """,
            [.uuid(invitedBy), .uuid(organizationID), cursor.map { .timestamp($0.createdAt) } ?? .null, .uuid(cursor?.id),
             .int(max(0, limit))]).rows.map(Self.invitation)
    }

    public func revoke(id: UUID, at date: Date, by actor: UUID?) async throws -> Invitation? {
        try await pool.query(
            "UPDATE invitations SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND \(Self.pendingCondition) AND expires_at > $2 RETURNING \(Self.columns)",
            [.uuid(id), .timestamp(date), .uuid(actor)]).rows.first.map(Self.invitation)
    }

    public func replace(id: UUID, with replacement: Invitation, digest: [UInt8], at date: Date) async throws -> Invitation? {
        try await pool.transaction { connection -> Invitation? in
            let revoked = try connection.query(
                """
                UPDATE invitations SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND \(Self.pendingCondition) AND expires_at > $2
                RETURNING id
                """, [.uuid(id), .timestamp(date), .uuid(replacement.invitedBy)]).rows
            guard !revoked.isEmpty else { return nil }
            _ = try connection.query(Self.insertSQL, Self.insertParameters(replacement, digest: digest))
            return try connection.query("UPDATE invitations SET replaced_by = $2 WHERE id = $1 RETURNING \(Self.columns)",
                                        [.uuid(id), .uuid(replacement.id)]).rows.first.map(Self.invitation)
        }
    }

    public func accept(digest: [UInt8], as acceptor: InvitationAcceptor, now: Date) async throws -> InvitationAcceptance {
        do {
            return try await pool.transaction { connection in
                guard let row = try connection.query("SELECT \(Self.columns) FROM invitations WHERE token_digest = $1 FOR UPDATE",
                                                     [.bytes(digest)]).rows.first else { return .notFound }
                var invitation = try Self.invitation(row)
                let state = invitation.state(at: now)
                guard state == .pending else { return .unavailable(state) }
                let userID: UUID
                switch acceptor {
                case .newUser(var user):
                    // The account outlives its invitation's link: who asked for it stays on its row.
                    user.createdBy = invitation.invitedBy
                    let (sql, parameters) = PostgresUserStore.insert(user)
                    _ = try connection.query(sql, parameters)
                    userID = user.id
                case .existingUser(let id):
                    userID = id
                }
                try Self.grant(invitation, to: userID, on: connection, now: now)
                _ = try connection.query("UPDATE invitations SET accepted_at = $2, accepted_by = $3 WHERE id = $1",
                                         [.uuid(invitation.id), .timestamp(now), .uuid(userID)])
                invitation.acceptedAt = now
                invitation.acceptedBy = userID
                return .accepted(invitation, userID: userID)
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            // The only unique index a new user can meet: the address has an account by now.
            return .emailTaken
        }
    }

    /// The role the invitation names, never lowering one the user already holds there; an
    /// organization's first acceptance makes it active.
    static func grant(_ invitation: Invitation, to userID: UUID, on connection: PostgresConnection, now: Date) throws {
        if let organization = invitation.organizationID {
            _ = try connection.query(
                """
                INSERT INTO memberships (organization_id, user_id, role, created_at, created_by, updated_at, updated_by)
                VALUES ($1, $2, $3, $4, $5, $4, $5)
                ON CONFLICT (organization_id, user_id) DO UPDATE
                    SET role = 'client_admin', updated_at = $4, updated_by = $5
                    WHERE EXCLUDED.role = 'client_admin'
                """, [.uuid(organization), .uuid(userID), .text(invitation.role.rawValue), .timestamp(now), .uuid(invitation.invitedBy)])
            _ = try connection.query("UPDATE organizations SET status = 'active', updated_at = $2 WHERE id = $1 AND status = 'pending'",
                                     [.uuid(organization), .timestamp(now)])
        } else {
            let lower = Role.allCases.filter { $0.isPlatformRole && $0 < invitation.role }.map(\.rawValue)
            _ = try connection.query(
                """
                INSERT INTO platform_roles (user_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (user_id) DO UPDATE SET role = EXCLUDED.role, granted_at = $3, granted_by = $4
                    WHERE platform_roles.role = ANY($5::text[])
                """, [.uuid(userID), .text(invitation.role.rawValue), .timestamp(now), .uuid(invitation.invitedBy), .textArray(lower)])
        }
    }

    public func expire(now: Date, limit: Int) async throws -> [Invitation] {
        try await pool.query(
            """
            UPDATE invitations SET expired_at = $1
            WHERE id IN (SELECT id FROM invitations WHERE \(Self.pendingCondition) AND expires_at <= $1
                         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING \(Self.columns)
            """, [.timestamp(now), .int(max(0, limit))]).rows.map(Self.invitation)
    }

    static func invitation(_ row: PostgresRow) throws -> Invitation {
        let text = try row.string("role")
        guard let role = Role(rawValue: text) else { throw PostgresError(message: "unknown role \(text)") }
        var invitation = Invitation(id: try row.uuid("id"), email: try row.string("email"), role: role,
                                    organizationID: try row.optionalUUID("organization_id"), invitedBy: try row.optionalUUID("invited_by"),
                                    createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"))
        invitation.acceptedAt = try row.optionalDate("accepted_at")
        invitation.acceptedBy = try row.optionalUUID("accepted_by")
        invitation.revokedAt = try row.optionalDate("revoked_at")
        invitation.revokedBy = try row.optionalUUID("revoked_by")
        invitation.replacedBy = try row.optionalUUID("replaced_by")
        invitation.expiredAt = try row.optionalDate("expired_at")
        return invitation
    }
}
