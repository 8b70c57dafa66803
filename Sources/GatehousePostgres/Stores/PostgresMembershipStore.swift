import Foundation
public import GatehouseCore

/// Platform roles (`platform_roles`) and memberships of organizations (`memberships`) in PostgreSQL.
public struct PostgresMembershipStore: MembershipStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func platformRole(userID: UUID) async throws -> Role? {
        try await pool.query("SELECT role FROM platform_roles WHERE user_id = $1", [.uuid(userID)]).rows.first
            .flatMap { Role(rawValue: try $0.string("role")) }
    }

    public func setPlatformRole(_ role: Role?, userID: UUID, at date: Date, by actor: UUID?) async throws {
        let (sql, parameters) = try Self.platformRoleChange(role, userID: userID, at: date, by: actor)
        _ = try await pool.query(sql, parameters)
    }

    /// The statement that gives (or, for nil, takes away) a platform role.
    static func platformRoleChange(_ role: Role?, userID: UUID, at date: Date, by actor: UUID?) throws
        -> (sql: String, parameters: [PostgresValue]) {
        guard let role else { return ("DELETE FROM platform_roles WHERE user_id = $1", [.uuid(userID)]) }
        guard role.isPlatformRole else { throw StoreError.invalid("\(role.rawValue) is not a platform role") }
        return ("""
            INSERT INTO platform_roles (user_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id) DO UPDATE SET role = EXCLUDED.role, granted_at = EXCLUDED.granted_at, granted_by = EXCLUDED.granted_by
            """, [.uuid(userID), .text(role.rawValue), .timestamp(date), .uuid(actor)])
    }

    public func count(platformRole role: Role) async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM platform_roles WHERE role = $1", [.text(role.rawValue)]).rows.first?.int("n") ?? 0
    }

    /// Locks every `super_admin` row first: a second change at the same moment waits, then finds
    /// the rows the first one left (a deleted row drops out of its `FOR UPDATE`) and counts those.
    public func setPlatformRoleKeepingASuperAdmin(_ role: Role?, userID: UUID, at date: Date, by actor: UUID?) async throws -> Bool {
        let (sql, parameters) = try Self.platformRoleChange(role, userID: userID, at: date, by: actor)
        return try await pool.transaction { connection in
            let holders = try connection.query("SELECT user_id FROM platform_roles WHERE role = 'super_admin' FOR UPDATE").rows
                .map { try $0.uuid("user_id") }
            if holders.contains(userID), role != .superAdmin, holders.count <= 1 { return false }
            _ = try connection.query(sql, parameters)
            return true
        }
    }

    /// The table lock (which plain reads do not wait for) makes a second bootstrap wait for the
    /// first and then see its `super_admin`.
    public func createFirstSuperAdmin(_ account: User, at date: Date) async throws -> FirstSuperAdmin {
        do {
            return try await pool.transaction { connection in
                _ = try connection.query("LOCK TABLE platform_roles IN SHARE ROW EXCLUSIVE MODE")
                guard try connection.query("SELECT 1 FROM platform_roles WHERE role = 'super_admin' LIMIT 1").rows.isEmpty else {
                    return .superAdminExists
                }
                guard try connection.query("SELECT 1 FROM users WHERE email = $1", [.text(account.email)]).rows.isEmpty else {
                    return .emailTaken
                }
                let (insertUser, userParameters) = PostgresUserStore.insert(account)
                _ = try connection.query(insertUser, userParameters)
                let (grant, grantParameters) = try Self.platformRoleChange(.superAdmin, userID: account.id, at: date, by: nil)
                _ = try connection.query(grant, grantParameters)
                return .created
            }
        } catch let error as PostgresError where error.isUniqueViolation {
            // The address was taken between the check and the insert.
            return .emailTaken
        }
    }

    static let columns = "organization_id, user_id, role, created_at, created_by"

    public func memberships(userID: UUID) async throws -> [Membership] {
        try await pool.query("SELECT \(Self.columns) FROM memberships WHERE user_id = $1 ORDER BY created_at, organization_id",
                             [.uuid(userID)]).rows.map(Self.membership)
    }

    public func membership(organizationID: UUID, userID: UUID) async throws -> Membership? {
        try await pool.query("SELECT \(Self.columns) FROM memberships WHERE organization_id = $1 AND user_id = $2",
                             [.uuid(organizationID), .uuid(userID)]).rows.first.map(Self.membership)
    }

    public func save(_ membership: Membership, at date: Date, by actor: UUID?) async throws {
        guard !membership.role.isPlatformRole else { throw StoreError.invalid("\(membership.role.rawValue) is a platform role") }
        do {
            _ = try await pool.query(
                """
                INSERT INTO memberships (organization_id, user_id, role, created_at, created_by, updated_at, updated_by)
                VALUES ($1, $2, $3, $4, $5, $6, $5)
                ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role, updated_at = $6, updated_by = $5
                """,
                [.uuid(membership.organizationID), .uuid(membership.userID), .text(membership.role.rawValue),
                 .timestamp(membership.createdAt), .uuid(actor), .timestamp(date)])
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw StoreError.conflict("the organization or the user no longer exists")
        }
    }

    public func remove(organizationID: UUID, userID: UUID) async throws -> Bool {
        try await pool.transaction { connection in
            let removed = try connection.query("DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2 RETURNING user_id",
                                               [.uuid(organizationID), .uuid(userID)]).rows.isEmpty == false
            // The organization's custom roles are held within it: they leave with the member.
            _ = try connection.query(
                """
                DELETE FROM custom_role_assignments
                WHERE user_id = $2 AND role_id IN (SELECT id FROM custom_roles WHERE organization_id = $1)
                """, [.uuid(organizationID), .uuid(userID)])
            return removed
        }
    }

    public func members(organizationID: UUID, after cursor: MembershipCursor?, limit: Int) async throws -> [MemberListing] {
        try await pool.query(
            """
            SELECT \(Self.listingColumns)
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.organization_id = $1 AND ($2::timestamptz IS NULL OR (m.created_at, m.user_id) > ($2, $3::uuid))
            ORDER BY m.created_at, m.user_id LIMIT $4
            """,
            [.uuid(organizationID), cursor.map { .timestamp($0.createdAt) } ?? .null, .uuid(cursor?.userID), .int(max(0, limit))])
            .rows.map(Self.listing)
    }

    public func administrators(organizationIDs: [UUID], limit: Int) async throws -> [UUID: [MemberListing]] {
        guard !organizationIDs.isEmpty else { return [:] }
        let rows = try await pool.query(
            """
            SELECT * FROM (
                SELECT \(Self.listingColumns),
                       row_number() OVER (PARTITION BY m.organization_id ORDER BY m.created_at, m.user_id) AS place
                FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.organization_id = ANY($1::uuid[]) AND m.role = $2
            ) AS listed
            WHERE place <= $3 ORDER BY created_at, user_id
            """, [.textArray(organizationIDs.map(\.uuidString)), .text(Role.clientAdmin.rawValue), .int(max(0, limit))]).rows
        return try Dictionary(grouping: rows.map(Self.listing), by: \.membership.organizationID)
    }

    /// A membership with who the member is and their confirmed second factors (`listing`).
    static let listingColumns = """
        m.organization_id, m.user_id, m.role, m.created_at, m.created_by, u.email, u.name,
        ARRAY(SELECT c.kind FROM mfa_credentials c WHERE c.user_id = m.user_id AND c.confirmed_at IS NOT NULL ORDER BY c.kind)
            AS second_factors
        """

    static func listing(_ row: PostgresRow) throws -> MemberListing {
        MemberListing(membership: try membership(row), email: try row.string("email"), name: try row.optionalString("name"),
                      secondFactors: Set(try row.stringArray("second_factors").compactMap(MFACredential.Kind.init(rawValue:))))
    }

    public func count(organizationID: UUID, role: Role) async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM memberships WHERE organization_id = $1 AND role = $2",
                             [.uuid(organizationID), .text(role.rawValue)]).rows.first?.int("n") ?? 0
    }

    public func organizations(userID: UUID, matching search: String?, limit: Int) async throws -> [Organization] {
        let pattern = search.map { "%" + PostgresOrganizationStore.escapeLike($0.lowercased()) + "%" }
        return try await pool.query(
            """
            SELECT \(Self.organizationColumns) FROM memberships m JOIN organizations o ON o.id = m.organization_id
            WHERE m.user_id = $1 AND ($2::text IS NULL OR lower(o.name) LIKE $2 ESCAPE '\\')
            ORDER BY o.name, o.id LIMIT $3
            """, [.uuid(userID), .text(pattern), .int(max(0, limit))]).rows.map(PostgresOrganizationStore.organization)
    }

    /// One statement, every part of it on a primary key or an index (`platform_roles`,
    /// `memberships`, `custom_role_assignments_user`, `custom_roles`, `custom_role_permissions`):
    /// one round trip added to a token grant, whatever the user holds.
    public func claims(userID: UUID, organizationID: UUID?) async throws -> MemberClaims {
        let row = try await pool.query(Self.claimsSQL, [.uuid(userID), .uuid(organizationID)]).rows.first
        guard let row else { throw PostgresError(message: "the claims query returned no row") }
        return try Self.memberClaims(row)
    }

    static let claimsSQL = claimsSelect(user: "$1", organization: "$2::uuid")

    /// The query of `claims` for the user and organization (NULL: none; then only global custom
    /// roles count) that the SQL expressions `user` and `organization` name, as one row with the
    /// organization's columns prefixed `org_`: a refresh rotation reads the claims of the row it
    /// inserts in its own statement (`PostgresRefreshTokenStore.rotateSQL`).
    static func claimsSelect(user: String, organization: String) -> String {
        // The custom roles and their permissions in one pass over the user's assignments (a role
        // without permissions kept by the outer join); DISTINCT aggregates come out sorted.
        """
        SELECT \(prefixedOrganizationColumns),
               (SELECT role FROM platform_roles WHERE user_id = \(user)) AS platform_role,
               (SELECT role FROM memberships WHERE organization_id = \(organization) AND user_id = \(user)) AS organization_role,
               custom.custom_roles, custom.permissions
        FROM (VALUES (1)) AS one LEFT JOIN organizations o ON o.id = \(organization)
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(DISTINCT r.name), '{}') AS custom_roles,
                   coalesce(array_agg(DISTINCT p.permission) FILTER (WHERE p.permission IS NOT NULL), '{}') AS permissions
            FROM custom_role_assignments a JOIN custom_roles r ON r.id = a.role_id
            LEFT JOIN custom_role_permissions p ON p.role_id = r.id
            WHERE a.user_id = \(user) AND (r.organization_id IS NULL OR r.organization_id = \(organization))
        ) AS custom
        """
    }

    /// A row of `claimsSelect`.
    static func memberClaims(_ row: PostgresRow) throws -> MemberClaims {
        MemberClaims(
            organization: try row.optionalUUID("org_id") == nil ? nil : try PostgresOrganizationStore.organization(row, prefix: "org_"),
            platformRole: try row.optionalString("platform_role").flatMap(Role.init(rawValue:)),
            organizationRole: try row.optionalString("organization_role").flatMap(Role.init(rawValue:)),
            customRoles: try row.stringArray("custom_roles"), permissions: try row.stringArray("permissions"))
    }

    /// `PostgresOrganizationStore.columns` of the table aliased `o`, named `org_…`.
    static let prefixedOrganizationColumns = PostgresOrganizationStore.columns.split(separator: ", ")
        .map { "o.\($0) AS org_\($0)" }.joined(separator: ", ")

    /// `PostgresOrganizationStore.columns` of the table aliased `o`.
    static let organizationColumns = PostgresOrganizationStore.columns.split(separator: ", ").map { "o." + $0 }.joined(separator: ", ")

    static func membership(_ row: PostgresRow) throws -> Membership {
        let text = try row.string("role")
        guard let role = Role(rawValue: text) else { throw PostgresError(message: "unknown role \(text)") }
        return Membership(organizationID: try row.uuid("organization_id"), userID: try row.uuid("user_id"), role: role,
                          createdAt: try row.date("created_at"), createdBy: try row.optionalUUID("created_by"))
    }
}
