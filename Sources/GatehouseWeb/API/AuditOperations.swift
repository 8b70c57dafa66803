import Foundation
import GatehouseCore
import Hummingbird

/// `GET /api/v1/audit-events` (issue 11 items 7 and 10): the audit trail by the console's
/// filters, newest first, with an opaque keyset cursor. Through Core's `AuditTrail`: the platform
/// roles read everything, a `client_admin` one organization of theirs without personal parts (403
/// for anyone else). Each event as the export writes it (`AuditExport`): revealed, its address and
/// user agent null once erased or withheld.
struct AuditOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [APIOperation(method: .get, path: "/api/v1/audit-events", handler: list)]
    }

    @Sendable func list(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        var query = AuditQuery(limit: try call.limit(fallback: 50, maximum: AuditQuery.maximumLimit))
        if let actor = try call.query("actor") {
            guard let read = AuditActor(rawValue: actor) else { throw APIInputError.invalidQuery("actor") }
            query.actor = read
        }
        query.subject = try Self.id(call, "subject")
        query.organizationID = try Self.id(call, "organization_id")
        if let client = try call.query("client_id") {
            guard client.utf8.count <= 200, !client.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw APIInputError.invalidQuery("client_id")
            }
            query.clientID = client
        }
        if let types = try call.query("type") {
            let names = types.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard names.count <= AuditQuery.maximumTypes, names.allSatisfy(Self.isTypeName) else { throw APIInputError.invalidQuery("type") }
            query.types = names.map { AuditEventType($0) }
        }
        if let from = try call.query("from") {
            guard let time = AuditFilter.time(from, endOfDay: false) else { throw APIInputError.invalidQuery("from") }
            query.from = time
        }
        if let to = try call.query("to") {
            guard let time = AuditFilter.time(to, endOfDay: true) else { throw APIInputError.invalidQuery("to") }
            query.to = time
        }
        if let cursor = try call.query("cursor") {
            guard let id = AuditCursor.id(cursor) else { throw APIInputError.invalidQuery("cursor") }
            query.before = id
        }
        let page = try await dependencies.auditTrail.search(query, by: principal)
        var body: [UInt8] = Array(#"{"items":["#.utf8)
        for (index, record) in page.records.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: AuditExport.object(record))
        }
        body.append(contentsOf: Array(#"],"next":"#.utf8))
        if let next = page.next { JSONObjectWriter.appendString(next, to: &body) } else { body.append(contentsOf: Array("null".utf8)) }
        body.append(UInt8(ascii: "}"))
        return Responses.json(bytes: body, noStore: true)
    }

    static func id(_ call: APIRequest, _ name: String) throws -> UUID? {
        guard let text = try call.query(name) else { return nil }
        guard let id = UUID(uuidString: text) else { throw APIInputError.invalidQuery(name) }
        return id
    }

    /// `sign_in_failed`: 1 to 64 lower-case letters and underscores.
    static func isTypeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
    }
}
