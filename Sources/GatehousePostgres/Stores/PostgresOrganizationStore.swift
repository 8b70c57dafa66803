import Foundation
public import GatehouseCore

/// Organizations in PostgreSQL (`organizations`).
public struct PostgresOrganizationStore: OrganizationStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    static let columns = "id, name, slug, status, mfa_policy, mfa_methods, created_at, created_by, updated_at, updated_by"

    /// Tries the slug, then `slug-2`, `slug-3`, …: a unique violation on the slug means "taken".
    public func create(_ organization: Organization) async throws -> Organization {
        var stored = organization
        for attempt in 1...100 {
            stored.slug = attempt == 1 ? organization.slug : Self.suffixed(organization.slug, attempt)
            do {
                let (policy, methods) = Self.policyColumns(stored.secondFactor)
                _ = try await pool.query(
                    "INSERT INTO organizations (\(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    [.uuid(stored.id), .text(stored.name), .text(stored.slug), .text(stored.status.rawValue), .text(policy),
                     .textArray(methods), .timestamp(stored.createdAt), .uuid(stored.createdBy), .timestamp(stored.updatedAt),
                     .uuid(stored.updatedBy)])
                return stored
            } catch let error as PostgresError where error.isUniqueViolation && error.message.contains("slug") {
                continue
            }
        }
        throw StoreError.conflict("no free slug for \(organization.slug)")
    }

    /// `base-n`, cut so it stays within 63 characters.
    static func suffixed(_ base: String, _ number: Int) -> String {
        let suffix = "-\(number)"
        var head = String(base.prefix(63 - suffix.count))
        while head.hasSuffix("-") { head.removeLast() }
        return head + suffix
    }

    public func find(id: UUID) async throws -> Organization? {
        try await pool.query("SELECT \(Self.columns) FROM organizations WHERE id = $1", [.uuid(id)]).rows.first.map(Self.organization)
    }

    public func find(slug: String) async throws -> Organization? {
        try await pool.query("SELECT \(Self.columns) FROM organizations WHERE slug = $1", [.text(slug)]).rows.first.map(Self.organization)
    }

    public func update(_ organization: Organization) async throws -> Organization? {
        let (policy, methods) = Self.policyColumns(organization.secondFactor)
        return try await pool.query(
            """
            UPDATE organizations SET name = $2, status = $3, mfa_policy = $4, mfa_methods = $5, updated_at = $6, updated_by = $7
            WHERE id = $1 RETURNING \(Self.columns)
            """,
            [.uuid(organization.id), .text(organization.name), .text(organization.status.rawValue), .text(policy), .textArray(methods),
             .timestamp(organization.updatedAt), .uuid(organization.updatedBy)]).rows.first.map(Self.organization)
    }

    public func list(matching search: String?, after cursor: OrganizationCursor?, limit: Int) async throws -> [Organization] {
        // The pattern is a parameter, its wildcards escaped: "%" and "_" in a search match themselves.
        let pattern = search.map { "%" + Self.escapeLike($0.lowercased()) + "%" }
        return try await pool.query(
            """
            SELECT \(Self.columns) FROM organizations
            WHERE ($1::text IS NULL OR lower(name) LIKE $1 ESCAPE '\\')
              AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid))
            ORDER BY name, id LIMIT $4
            """,
            [.text(pattern), .text(cursor?.name), .uuid(cursor?.id), .int(max(0, limit))]).rows.map(Self.organization)
    }

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func policyColumns(_ policy: SecondFactorPolicy) -> (String, [String]) {
        switch policy {
        case .off: ("off", SecondFactorMethod.allCases.map(\.rawValue))
        case .optional: ("optional", SecondFactorMethod.allCases.map(\.rawValue))
        case .required(let methods): ("required", SecondFactorMethod.allCases.filter(methods.contains).map(\.rawValue))
        }
    }

    static func organization(_ row: PostgresRow) throws -> Organization {
        try organization(row, prefix: "")
    }

    /// - Parameter prefix: what the columns are named with in `row` (`org_` where a statement
    ///   joins organizations to another table that has an `id` or a `created_at` of its own).
    static func organization(_ row: PostgresRow, prefix: String) throws -> Organization {
        let methods = Set(try row.stringArray(prefix + "mfa_methods").compactMap(SecondFactorMethod.init(rawValue:)))
        let policy: SecondFactorPolicy = switch try row.string(prefix + "mfa_policy") {
        case "off": .off
        case "required": .required(methods)
        default: .optional
        }
        return Organization(id: try row.uuid(prefix + "id"), name: try row.string(prefix + "name"), slug: try row.string(prefix + "slug"),
                            status: Organization.Status(rawValue: try row.string(prefix + "status")) ?? .pending, secondFactor: policy,
                            createdAt: try row.date(prefix + "created_at"), createdBy: try row.optionalUUID(prefix + "created_by"),
                            updatedAt: try row.date(prefix + "updated_at"), updatedBy: try row.optionalUUID(prefix + "updated_by"))
    }
}
