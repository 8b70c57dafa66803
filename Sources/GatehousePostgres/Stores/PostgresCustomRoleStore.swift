import Foundation
public import GatehouseCore

/// Permissions and custom roles in PostgreSQL. A role's permissions are rows of
/// `custom_role_permissions` with foreign keys to both sides, so deleting a permission removes it
/// from every role, and a role is read with its permissions in one query (`array_agg`).
public struct PostgresCustomRoleStore: CustomRoleStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func createPermission(_ permission: Permission) async throws {
        do {
            _ = try await pool.query("INSERT INTO permissions (name, description, created_at, created_by) VALUES ($1, $2, $3, $4)",
                                     [.text(permission.name), .text(permission.description), .timestamp(permission.createdAt),
                                      .uuid(permission.createdBy)])
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("the permission \(permission.name) exists")
        }
    }

    public func permissions() async throws -> [Permission] {
        try await pool.query("SELECT name, description, created_at, created_by FROM permissions ORDER BY name").rows.map { row in
            Permission(name: try row.string("name"), description: try row.string("description"), createdAt: try row.date("created_at"),
                       createdBy: try row.optionalUUID("created_by"))
        }
    }

    public func deletePermission(name: String) async throws -> Bool {
        try await !pool.query("DELETE FROM permissions WHERE name = $1 RETURNING name", [.text(name)]).rows.isEmpty
    }

    /// The role's row and its permissions, written in one transaction.
    public func createRole(_ role: CustomRole) async throws {
        try await Self.mapErrors(role) {
            try await pool.transaction { connection in
                _ = try connection.query(
                    """
                    INSERT INTO custom_roles (id, organization_id, name, created_at, created_by, updated_at, updated_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """,
                    [.uuid(role.id), .uuid(role.organizationID), .text(role.name), .timestamp(role.createdAt), .uuid(role.createdBy),
                     .timestamp(role.updatedAt), .uuid(role.updatedBy)])
                try Self.setPermissions(role, on: connection)
            }
        }
    }

    static let selectRole = """
        SELECT r.id, r.organization_id, r.name, r.created_at, r.created_by, r.updated_at, r.updated_by,
               coalesce(array_agg(p.permission ORDER BY p.permission) FILTER (WHERE p.permission IS NOT NULL), '{}') AS permissions
        FROM custom_roles r LEFT JOIN custom_role_permissions p ON p.role_id = r.id
        """

    public func role(id: UUID) async throws -> CustomRole? {
        try await pool.query(Self.selectRole + " WHERE r.id = $1 GROUP BY r.id", [.uuid(id)]).rows.first.map(Self.role)
    }

    public func roles(organizationID: UUID?) async throws -> [CustomRole] {
        try await pool.query(Self.selectRole + " WHERE r.organization_id IS NOT DISTINCT FROM $1 GROUP BY r.id ORDER BY r.name, r.id",
                             [.uuid(organizationID)]).rows.map(Self.role)
    }

    public func updateRole(_ role: CustomRole) async throws -> CustomRole? {
        let updated = try await Self.mapErrors(role) {
            try await pool.transaction { connection -> Bool in
                let rows = try connection.query("UPDATE custom_roles SET name = $2, updated_at = $3, updated_by = $4 WHERE id = $1 RETURNING id",
                                                [.uuid(role.id), .text(role.name), .timestamp(role.updatedAt), .uuid(role.updatedBy)]).rows
                guard !rows.isEmpty else { return false }
                _ = try connection.query("DELETE FROM custom_role_permissions WHERE role_id = $1", [.uuid(role.id)])
                try Self.setPermissions(role, on: connection)
                return true
            }
        }
        return updated ? try await self.role(id: role.id) : nil
    }

    public func deleteRole(id: UUID, force: Bool) async throws -> RoleDeletion {
        try await pool.transaction { connection in
            // Locks the role, so an assignment cannot slip in between the count and the delete.
            guard !(try connection.query("SELECT id FROM custom_roles WHERE id = $1 FOR UPDATE", [.uuid(id)]).rows.isEmpty) else {
                return .notFound
            }
            let assigned = try connection.query("SELECT count(*) AS n FROM custom_role_assignments WHERE role_id = $1",
                                                [.uuid(id)]).rows.first?.int("n") ?? 0
            if assigned > 0 && !force { return .inUse(assigned) }
            _ = try connection.query("DELETE FROM custom_roles WHERE id = $1", [.uuid(id)])   // assignments cascade
            return .deleted
        }
    }

    public func assign(roleID: UUID, userID: UUID, at date: Date, by actor: UUID?) async throws {
        do {
            _ = try await pool.query(
                """
                INSERT INTO custom_role_assignments (role_id, user_id, assigned_at, assigned_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (role_id, user_id) DO NOTHING
                """, [.uuid(roleID), .uuid(userID), .timestamp(date), .uuid(actor)])
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw StoreError.conflict("the role or the user no longer exists")
        }
    }

    public func unassign(roleID: UUID, userID: UUID) async throws -> Bool {
        try await !pool.query("DELETE FROM custom_role_assignments WHERE role_id = $1 AND user_id = $2 RETURNING user_id",
                              [.uuid(roleID), .uuid(userID)]).rows.isEmpty
    }

    public func assignedRoles(userID: UUID) async throws -> [CustomRole] {
        try await pool.query(Self.selectRole + """
             WHERE r.id IN (SELECT role_id FROM custom_role_assignments WHERE user_id = $1)
             GROUP BY r.id ORDER BY r.name, r.id
            """, [.uuid(userID)]).rows.map(Self.role)
    }

    static func setPermissions(_ role: CustomRole, on connection: PostgresConnection) throws {
        guard !role.permissions.isEmpty else { return }
        _ = try connection.query("INSERT INTO custom_role_permissions (role_id, permission) SELECT $1, unnest($2::text[])",
                                 [.uuid(role.id), .textArray(role.permissions.sorted())])
    }

    /// Unique violations are a taken name; foreign-key violations an unknown permission.
    static func mapErrors<T>(_ role: CustomRole, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("a role named \(role.name) exists there")
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw StoreError.invalid("a permission of the role does not exist")
        }
    }

    static func role(_ row: PostgresRow) throws -> CustomRole {
        CustomRole(id: try row.uuid("id"), organizationID: try row.optionalUUID("organization_id"), name: try row.string("name"),
                   permissions: Set(try row.stringArray("permissions")), createdAt: try row.date("created_at"),
                   createdBy: try row.optionalUUID("created_by"), updatedAt: try row.date("updated_at"),
                   updatedBy: try row.optionalUUID("updated_by"))
    }
}
