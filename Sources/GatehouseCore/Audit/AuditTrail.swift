import Foundation

/// The searchable audit trail (issue 11 item 7) as the console, the API and the export use it:
/// who may search what is decided here, once, from the roles read from the database for the call.
///
/// The platform roles (`super_admin`, `site_admin`, `operator`) search the whole trail. A
/// `client_admin` searches the events of an organization they administer: those naming it in
/// `details.organization_id` (its memberships, invitations, custom roles and clients), and reads
/// them without the address and user agent of whoever acted (perhaps platform staff). Anyone else
/// is refused.
public struct AuditTrail: Sendable {
    let reader: any AuditTrailReader

    public init(reader: any AuditTrailReader) {
        self.reader = reader
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// The searcher holds no platform role and administers no organization (403).
        case notPermitted
        /// A `client_admin` of several organizations must name one of them (400).
        case organizationRequired
        /// The organization named is not one the `client_admin` administers: to them it does not
        /// exist (404, as an unknown one).
        case organizationNotFound
    }

    /// One page, newest first, and the cursor of the next (older) page; nil on the last page.
    public struct Page: Sendable, Equatable {
        public var records: [AuditRecord]
        public var next: String?

        public init(records: [AuditRecord], next: String?) {
            self.records = records
            self.next = next
        }
    }

    /// Whether `actor` may search the trail at all.
    public static func maySearch(_ actor: Principal) -> Bool {
        actor.roles.platformRole != nil || !administered(by: actor).isEmpty
    }

    /// Whether `actor` reads the whole trail, personal parts included.
    public static func readsEverything(_ actor: Principal) -> Bool { actor.roles.platformRole != nil }

    /// The organizations `actor` administers, in a stable order.
    static func administered(by actor: Principal) -> [UUID] {
        actor.roles.organizationRoles.filter { $0.value == .clientAdmin }.map(\.key).sorted { $0.uuidString < $1.uuidString }
    }

    /// `query` as `actor` may run it: unchanged for a platform role; for a `client_admin`, held to
    /// one organization of theirs (theirs when they have only one).
    public static func scoped(_ query: AuditQuery, for actor: Principal) throws -> AuditQuery {
        if readsEverything(actor) { return query }
        let organizations = administered(by: actor)
        guard !organizations.isEmpty else { throw Refusal.notPermitted }
        var scoped = query
        switch query.organizationID {
        case let asked? where organizations.contains(asked): break
        case .some: throw Refusal.organizationNotFound
        case nil:
            guard organizations.count == 1 else { throw Refusal.organizationRequired }
            scoped.organizationID = organizations[0]
        }
        return scoped
    }

    /// The records as `actor` may read them. A `client_admin`'s are for reading, not verifying:
    /// revealed (the emails in their details are of their organization's invitations and
    /// members) without the address and user agent of whoever acted.
    static func shown(_ records: [AuditRecord], to actor: Principal) -> [AuditRecord] {
        readsEverything(actor) ? records : records.map { record in
            var withheld = record
            withheld.event = record.revealedEvent
            withheld.event.ip = nil
            withheld.event.userAgent = nil
            withheld.personal = nil
            return withheld
        }
    }

    /// A page of what `query` matches, for `actor`; throws a `Refusal`.
    public func search(_ query: AuditQuery, by actor: Principal) async throws -> Page {
        var asked = try Self.scoped(query, for: actor)
        asked.limit = query.limit + 1
        let found = try await reader.auditEvents(matching: asked)
        let records = Self.shown(Array(found.prefix(query.limit)), to: actor)
        let next = found.count > query.limit ? records.last.map { AuditCursor.text(before: $0.id) } : nil
        return Page(records: records, next: next)
    }

    /// Every event `query` matches from its position on, a page at a time (for an export), at most
    /// `cap` of them; `body` gets each page and the loop stops when it returns false.
    public func walk(_ query: AuditQuery, by actor: Principal, cap: Int,
                     _ body: ([AuditRecord]) async throws -> Bool) async throws {
        var page = try Self.scoped(query, for: actor)
        var left = cap
        while left > 0 {
            page.limit = min(AuditQuery.maximumLimit, left)
            let found = try await reader.auditEvents(matching: page)
            guard !found.isEmpty, try await body(Self.shown(found, to: actor)) else { return }
            left -= found.count
            guard found.count == page.limit, let last = found.last else { return }
            page.before = last.id
        }
    }
}
