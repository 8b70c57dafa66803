import Foundation
public import GatehouseCore

/// The audit trail by filters: one statement with only the conditions the query sets (each a
/// parameter), newest first by id. Each filter has an index leading with its column and ending
/// with `id` (`audit_events_actor`, `_subject`, `_client`, `_organization`, `_type_id`), so a
/// page walks one index backwards from the cursor and stops at the limit; a time range alone
/// walks the primary key or, for a narrow range, `audit_events_occurred_at`.
extension PostgresAdministrationReader {
    public func auditEvents(matching query: AuditQuery) async throws -> [AuditRecord] {
        let (sql, parameters) = try Self.auditSearch(query)
        return try await pool.query(sql, parameters).rows.map(PostgresAuditLog.record)
    }

    /// The statement and its parameters (shown to EXPLAIN by the tests).
    public static func auditSearch(_ query: AuditQuery) throws -> (String, [PostgresValue]) {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []
        func add(_ condition: (String) -> String, _ value: PostgresValue) {
            parameters.append(value)
            conditions.append(condition("$\(parameters.count)"))
        }
        if let before = query.before { add({ "id < \($0)::bigint" }, .int(Int(before))) }
        if let actor = query.actor { add({ "actor = \($0)::text" }, .text(actor.rawValue)) }
        if let subject = query.subject { add({ "subject = \($0)::uuid" }, .uuid(subject)) }
        if let clientID = query.clientID { add({ "client_id = \($0)::text" }, .text(clientID)) }
        if let organization = query.organizationID {
            add({ "details->>'organization_id' = \($0)::text" }, .text(organization.uuidString.lowercased()))
        }
        if query.types.count == 1, let type = query.types.first {
            add({ "type = \($0)::text" }, .text(type.rawValue))
        } else if !query.types.isEmpty {
            add({ "type = ANY(\($0)::text[])" }, .text(try PostgresArrayLiteral.format(query.types.map(\.rawValue))))
        }
        if let from = query.from { add({ "occurred_at >= \($0)::timestamptz" }, .timestamp(from)) }
        if let to = query.to { add({ "occurred_at < \($0)::timestamptz" }, .timestamp(to)) }
        parameters.append(.int(query.limit))
        let sql = """
            SELECT \(PostgresAuditLog.selectColumns)
            FROM audit_events\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT $\(parameters.count)
            """
        return (sql, parameters)
    }
}
