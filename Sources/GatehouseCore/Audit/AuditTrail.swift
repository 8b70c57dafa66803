import Foundation

/// The searchable audit trail (issue 11 item 7) as the console, the API and the export use it:
/// who may search is decided here, once, from the roles read from the database for the call.
///
/// Only the platform roles (`super_admin`, `site_admin`, `operator`) search the trail; a
/// `client_admin` is refused. (Scoping a `client_admin` to their organizations' members would
/// need the membership join forced into every query; left for later, see README.)
public struct AuditTrail: Sendable {
    let reader: any AuditTrailReader

    public init(reader: any AuditTrailReader) {
        self.reader = reader
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// The searcher holds no platform role (403).
        case notPermitted
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

    /// Whether `actor` may search the trail.
    public static func maySearch(_ actor: Principal) -> Bool {
        actor.roles.platformRole != nil
    }

    /// A page of what `query` matches, for `actor`; throws `Refusal.notPermitted`.
    public func search(_ query: AuditQuery, by actor: Principal) async throws -> Page {
        guard Self.maySearch(actor) else { throw Refusal.notPermitted }
        var asked = query
        asked.limit = query.limit + 1
        let found = try await reader.auditEvents(matching: asked)
        let records = Array(found.prefix(query.limit))
        let next = found.count > query.limit ? records.last.map { AuditCursor.text(before: $0.id) } : nil
        return Page(records: records, next: next)
    }

    /// Every event `query` matches from its position on, a page at a time (for an export), at most
    /// `cap` of them; `body` gets each page and the loop stops when it returns false.
    public func walk(_ query: AuditQuery, by actor: Principal, cap: Int,
                     _ body: ([AuditRecord]) async throws -> Bool) async throws {
        guard Self.maySearch(actor) else { throw Refusal.notPermitted }
        var page = query
        page.limit = AuditQuery.maximumLimit
        var left = cap
        while left > 0 {
            page.limit = min(AuditQuery.maximumLimit, left)
            let found = try await reader.auditEvents(matching: page)
            guard !found.isEmpty, try await body(found) else { return }
            left -= found.count
            guard found.count == page.limit, let last = found.last else { return }
            page.before = last.id
        }
    }
}
