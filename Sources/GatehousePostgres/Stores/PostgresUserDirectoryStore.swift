import Foundation
public import GatehouseCore

/// The user directory in PostgreSQL: one SELECT per page over `users`, the text answered by the
/// trigram indexes (`users_email_trigrams`, `users_name_trigrams`), the order and keyset by
/// `users_created_page` / `users_last_sign_in_page` (migration 0020), the filters and the
/// scope as EXISTS conditions on indexed tables. The statement is assembled from fixed
/// fragments chosen by the search's cases; every value is a parameter.
public struct PostgresUserDirectoryStore: UserDirectoryStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// The columns of a listing. The second-factor column is a scalar subquery with LIMIT 1, not
    /// EXISTS: the planner may answer an EXISTS in the select list by hashing every confirmed
    /// credential first (30 ms at 100,000 factors), where this probes the index once per row shown.
    /// True when the user has a confirmed second factor, else NULL: one index probe
    /// (`mfa_credentials_confirmed`).
    static let secondFactorProbe =
        "(SELECT true FROM mfa_credentials c WHERE c.user_id = u.id AND c.confirmed_at IS NOT NULL LIMIT 1)"

    /// The user store's columns (so a listing's user reads as `PostgresUserStore` reads one), then the listing's own.
    static let listingColumns = PostgresUserStore.selectColumns.split(separator: ", ").map { "u." + $0 }.joined(separator: ", ") + """
        , NULLIF(u.last_sign_in_at, '-infinity') AS last_sign_in_at,
        COALESCE(\(secondFactorProbe), false) AS has_second_factor,
        (SELECT p.role FROM platform_roles p WHERE p.user_id = u.id) AS platform_role
        """

    /// A statement being assembled: conditions and the parameters they bind, numbered in order.
    struct Statement {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []

        /// Binds `value` and returns its placeholder.
        mutating func bind(_ value: PostgresValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
    }

    public func search(_ search: UserSearch, scope: UserDirectoryScope) async throws -> [UserListing] {
        let (sql, parameters) = Self.statement(search, scope: scope)
        let rows = try await pool.query(sql, parameters).rows.map(Self.listing)
        return search.position?.direction == .before ? rows.reversed() : rows
    }

    public func listing(id: UUID, scope: UserDirectoryScope) async throws -> UserListing? {
        var statement = Statement()
        statement.conditions.append("u.id = " + statement.bind(.uuid(id)))
        Self.restrict(&statement, to: scope)
        return try await pool.query("SELECT \(Self.listingColumns) FROM users u WHERE \(statement.conditions.joined(separator: " AND "))",
                                    statement.parameters).rows.first.map(Self.listing)
    }

    public func listings(ids: [UUID], scope: UserDirectoryScope) async throws -> [UserListing] {
        guard !ids.isEmpty else { return [] }
        var statement = Statement()
        statement.conditions.append("u.id = ANY(" + statement.bind(.textArray(ids.map { $0.uuidString.lowercased() })) + "::uuid[])")
        Self.restrict(&statement, to: scope)
        return try await pool.query("SELECT \(Self.listingColumns) FROM users u WHERE \(statement.conditions.joined(separator: " AND "))",
                                    statement.parameters).rows.map(Self.listing)
    }

    /// The page's SQL and parameters. `bench/user_search` times and EXPLAINs these statements
    /// (written out there with the values in place): keep the two alike.
    static func statement(_ search: UserSearch, scope: UserDirectoryScope) -> (String, [PostgresValue]) {
        var statement = Statement()
        switch search.text?.kind {
        case .id(let id)?:
            statement.conditions.append("u.id = " + statement.bind(.uuid(id)))
        case .contains(let text)?:
            let pattern = statement.bind(.text("%" + UserSearchText.likeEscaped(text) + "%"))
            statement.conditions.append("(u.email LIKE \(pattern) ESCAPE '\\' OR u.name ILIKE \(pattern) ESCAPE '\\')")
        case .prefix(let text)?:
            let pattern = statement.bind(.text(UserSearchText.likeEscaped(text) + "%"))
            statement.conditions.append("(u.email LIKE \(pattern) ESCAPE '\\' OR u.name ILIKE \(pattern) ESCAPE '\\')")
        case .nothing?:
            statement.conditions.append("false")
        case nil:
            break
        }
        let organization = search.filters.lazy.compactMap { if case .organization(let id) = $0 { id } else { nil } }.first
        for filter in search.filters {
            switch filter {
            case .organization(let id):
                statement.conditions.append(
                    "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organization_id = \(statement.bind(.uuid(id))))")
            case .role(let role) where role.isPlatformRole:
                statement.conditions.append(
                    "EXISTS (SELECT 1 FROM platform_roles p WHERE p.user_id = u.id AND p.role = \(statement.bind(.text(role.rawValue))))")
            case .role(let role):
                let within = organization.map { " AND m.organization_id = " + statement.bind(.uuid($0)) } ?? ""
                statement.conditions.append(
                    "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = \(statement.bind(.text(role.rawValue)))\(within))")
            case .secondFactor(let enrolled):
                // A probe per row (see `listingColumns`), not a semi-join: as EXISTS the planner
                // first hashes every confirmed credential of the deployment.
                statement.conditions.append(Self.secondFactorProbe + (enrolled ? " IS NOT NULL" : " IS NULL"))
            }
        }
        restrict(&statement, to: scope)
        let key = search.order == .created ? "u.created_at" : "u.last_sign_in_at"
        let backwards = search.position?.direction == .before
        if let position = search.position {
            let time = statement.bind(position.time.map { .timestamp($0) } ?? .text("-infinity"))
            let id = statement.bind(.uuid(position.id))
            statement.conditions.append("(\(key), u.id) \(backwards ? ">" : "<") (\(time)::timestamptz, \(id)::uuid)")
        }
        let direction = backwards ? "ASC" : "DESC"
        let limit = statement.bind(.int(search.limit))
        let filter = statement.conditions.isEmpty ? "" : " WHERE " + statement.conditions.joined(separator: " AND ")
        return ("SELECT \(listingColumns) FROM users u\(filter) ORDER BY \(key) \(direction), u.id \(direction) LIMIT \(limit)",
                statement.parameters)
    }

    /// The actor's scope, forced into the statement: a `client_admin` sees members of their
    /// organizations only.
    /// An erased account is a tombstone (no email, no name): it is never listed.
    static func restrict(_ statement: inout Statement, to scope: UserDirectoryScope) {
        statement.conditions.append("u.status <> 'erased'")
        guard case .members(let organizations) = scope else { return }
        let ids = statement.bind(.textArray(organizations.map { $0.uuidString.lowercased() }.sorted()))
        statement.conditions.append(
            "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organization_id = ANY(\(ids)::uuid[]))")
    }

    static func listing(_ row: PostgresRow) throws -> UserListing {
        UserListing(user: try PostgresUserStore.user(row), lastSignInAt: try row.optionalDate("last_sign_in_at"),
                    hasSecondFactor: try row.bool("has_second_factor"),
                    platformRole: try row.optionalString("platform_role").flatMap(Role.init(rawValue:)))
    }
}
