import Foundation

/// Reading the audit trail by filters (issue 11 item 7).
public protocol AuditTrailReader: Sendable {
    /// The events `query` matches (every filter it sets; `AuditQuery.matches` is the rule), newest
    /// first by id, ids strictly below `query.before`, at most `query.limit`, in ONE statement
    /// that an index answers (never OFFSET). Rows as stored: read `revealedEvent` to show them.
    func auditEvents(matching query: AuditQuery) async throws -> [AuditRecord]
}
