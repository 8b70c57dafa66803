import Foundation
import GatehouseCore
import Hummingbird

/// `GET /admin/audit`: the audit trail, searchable (issue 11 item 7) — filters by actor, subject,
/// client, organization, type and time (`AuditFilter`), newest first, 50 at a time with an
/// "Older" keyset link and, with a script, a live count of new events (`AuditTailScript`);
/// `GET /admin/audit/export` the same filters as JSON lines. Through
/// `AuditTrail`: the platform roles search everything; a `client_admin` the events of one
/// organization they administer, without the personal parts; anyone else gets a 403 page. Every
/// event is shown as revealed (its address and user agent from the personal part; gone once erased).
struct AuditPage {
    let dependencies: AdminModule.Dependencies

    static let perPage = 50
    /// The most events one export holds (a wider range: narrow the filters, or page the API).
    static let exportCap = 100_000

    var trail: AuditTrail { AuditTrail(reader: dependencies.reader) }

    func register(on routes: PageRoutes) {
        routes.get("/admin/audit") { page in
            try await dependencies.access.admit(page) { admin in try await show(page, admin) }
        }
        routes.get("/admin/audit/export") { page in
            try await dependencies.access.admit(page) { admin in try await export(page, admin) }
        }
    }

    func refused() -> Response {
        dependencies.pages.responder.error(title: "Not for this account",
                                           message: "The audit trail is for the platform roles (super admin, site admin, operator) and organization admins.",
                                           status: .forbidden)
    }

    func show(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        guard AuditTrail.maySearch(admin.principal) else { return refused() }
        let filter = AuditFilter.read(try page.query)
        var problem: String?
        var found = AuditTrail.Page(records: [], next: nil)
        do {
            let query = try await filter.query(organizations: dependencies.organizations, limit: Self.perPage)
            found = try await trail.search(query, by: admin.principal)
        } catch let refusal as AuditFilter.Problem {
            problem = refusal.message
        } catch let refusal as AuditTrail.Refusal {
            problem = Self.message(refusal, filter)
        }
        let everything = AuditTrail.readsEverything(admin.principal)
        let link = { (cursor: String?) in "/admin/audit" + Self.queryString(filter.parameters(cursor: cursor)) }
        let view = AdminAuditView(
            filter: filter,
            types: [AdminUsersView.Choice(value: "", label: "Any type", selected: filter.type.isEmpty)]
                + AuditWords.choices.map { .init(value: $0.value, label: $0.label, selected: $0.value == filter.type) }
                + (filter.type.isEmpty || AuditWords.phrases[filter.type] != nil ? []
                   : [.init(value: filter.type, label: filter.type, selected: true)]),
            events: found.records.map(Self.line),
            olderURL: found.next.map { link($0) },
            newestURL: filter.cursor == nil ? nil : link(nil),
            exportURL: problem == nil ? "/admin/audit/export" + Self.queryString(filter.parameters(cursor: nil)) : nil,
            problem: problem, filtered: !filter.isEmpty, scoped: !everything,
            // The tail counts new events on the newest page when every new event of the type would be
            // listed: no filter but a single type and a start.
            // (The tail reaches the platform roles only: a client_admin's page has none.)
            live: everything && problem == nil && filter.cursor == nil && !filter.type.contains(",")
                && [filter.actor, filter.subject, filter.client, filter.organization, filter.to].allSatisfy(\.isEmpty),
            liveType: filter.type.contains(",") ? nil : (filter.type.isEmpty ? nil : filter.type))
        return dependencies.pages.responder.page(view, status: problem == nil ? .ok : .badRequest)
    }

    /// A client_admin's refusal, said on the page. An organization not theirs reads as one that
    /// does not exist, word for word.
    static func message(_ refusal: AuditTrail.Refusal, _ filter: AuditFilter) -> String {
        switch refusal {
        case .notPermitted: "The audit trail is for the platform roles and organization admins."
        case .organizationRequired: "You administer several organizations: name one (its address) to see its events."
        case .organizationNotFound: "No organization has the address “\(filter.organization)”."
        }
    }

    static func queryString(_ parameters: [(String, String)]) -> String {
        parameters.isEmpty ? "" : "?" + FormEncoding.encode(parameters)
    }

    /// One event as the page shows it, from its revealed form.
    static func line(_ record: AuditRecord) -> AdminAuditView.Event {
        let event = record.revealedEvent
        let actorUser = event.actor.flatMap { actor in actor.hasPrefix("user:") ? UUID(uuidString: String(actor.dropFirst(5))) : nil }
        var details = event.details
        let organization = details.removeValue(forKey: "organization_id")
        return AdminAuditView.Event(
            id: String(record.id), type: AuditWords.phrase(event.type), code: event.type.rawValue,
            when: ConsoleWords.date(event.occurredAt), stamp: AuditExport.time(event.occurredAt),
            actor: actorUser == nil ? event.actor ?? "unknown" : "user", actorUserID: actorUser.map { $0.uuidString.lowercased() },
            subject: event.subject.map { $0.uuidString.lowercased() }, client: event.clientID, organization: organization,
            ip: event.ip, device: event.userAgent.map { DeviceDescription.describe($0) }, userAgent: event.userAgent,
            details: details.isEmpty ? nil : AuditWords.details(details))
    }

    /// `GET /admin/audit/export?…`: every event the filters match, newest first, as JSON lines
    /// (`application/x-ndjson`), written a page of 200 at a time as they are read (never the
    /// whole range in memory), at most `exportCap`.
    func export(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        guard AuditTrail.maySearch(admin.principal) else { return refused() }
        var filter = AuditFilter.read(try page.query)
        filter.cursor = nil
        let query: AuditQuery
        do {
            query = try await filter.query(organizations: dependencies.organizations, limit: AuditQuery.maximumLimit)
        } catch let refusal as AuditFilter.Problem {
            return dependencies.pages.responder.error(title: "Nothing exported", message: refusal.message)
        }
        do {
            _ = try AuditTrail.scoped(query, for: admin.principal)
        } catch let refusal as AuditTrail.Refusal {
            return dependencies.pages.responder.error(title: "Nothing exported", message: Self.message(refusal, filter))
        }
        let trail = self.trail
        let principal = admin.principal
        let name = "gatehouse-audit-" + AuditExport.fileStamp(dependencies.clock.now) + ".jsonl"
        return Response(status: .ok, headers: [
            .contentType: AuditExport.contentType, .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(name)\"",
        ], body: ResponseBody { writer in
            do {
                try await trail.walk(query, by: principal, cap: Self.exportCap) { records in
                    var buffer = ByteBuffer()
                    for record in records { buffer.writeBytes(AuditExport.line(record)) }
                    try await writer.write(buffer)
                    return true
                }
            } catch {
                // The download is cut short (the reader went away or the database failed).
            }
            try? await writer.finish(nil)
        })
    }
}

/// The console's audit trail.
struct AdminAuditView: PageView {
    static let template = "admin_audit"
    let filter: AuditFilter
    let types: [AdminUsersView.Choice]
    let events: [Event]
    let olderURL: String?
    let newestURL: String?
    let exportURL: String?
    let problem: String?
    let filtered: Bool
    /// A client_admin's page: their organization's events, without addresses.
    let scoped: Bool
    /// The live tail's notice and script (`AuditTailScript`) are on the page.
    let live: Bool
    let liveType: String?

    struct Event: TemplateContent {
        let id: String
        let type: String
        let code: String
        let when: String
        let stamp: String
        let actor: String
        let actorUserID: String?
        let subject: String?
        let client: String?
        let organization: String?
        let ip: String?
        let device: String?
        let userAgent: String?
        let details: String?
        var templateValues: TemplateValues {
            ["id": .text(id), "type": .text(type), "code": .text(code), "when": .text(when), "stamp": .text(stamp),
             "actor": .text(actor), "actorUserID": .text(actorUserID), "subject": .text(subject), "client": .text(client),
             "organization": .text(organization), "ip": .text(ip), "device": .text(device), "userAgent": .text(userAgent),
             "details": .text(details), "subjectShort": .text(subject.map { String($0.prefix(8)) }),
             "actorShort": .text(actorUserID.map { String($0.prefix(8)) })]
        }
    }

    var templateValues: TemplateValues {
        ["title": .text("Audit trail"), "actor": .text(filter.actor), "subject": .text(filter.subject), "client": .text(filter.client),
         "organization": .text(filter.organization), "from": .text(filter.from), "to": .text(filter.to), "types": .list(types),
         "events": .list(events), "olderURL": .text(olderURL), "newestURL": .text(newestURL), "exportURL": .text(exportURL),
         "problem": .text(problem), "filtered": .flag(filtered), "scoped": .flag(scoped), "live": .flag(live), "liveType": .text(liveType)]
    }

    static let sample = AdminAuditView(
        filter: AuditFilter(actor: "operator", subject: "3f2c", client: "demo", organization: "acme", type: "sign_in_failed",
                            from: "2026-12-01", to: "2026-12-05"),
        types: [.init(value: "sign_in_failed", label: "Sign-in failed", selected: true)],
        events: [Event(id: "42", type: "Sign-in failed", code: "sign_in_failed", when: "5 Dec 2026, 10:00 UTC",
                       stamp: "2026-12-05T10:00:00.000000Z", actor: "user", actorUserID: "3f2c…", subject: "3f2c…", client: "demo",
                       organization: "9a1b…", ip: "192.0.2.1", device: "Firefox on Linux", userAgent: "Mozilla/5.0",
                       details: "reason: invalid_credentials")],
        olderURL: "/admin/audit?cursor=b", newestURL: "/admin/audit", exportURL: "/admin/audit/export", problem: "Not an actor.",
        filtered: true, scoped: true, live: true, liveType: "sign_in_failed")
}
