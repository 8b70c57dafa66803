import GatehouseCore

/// `AuditLog` that keeps the events in order, for tests that check what a flow recorded, and
/// reads them back by filters as `AuditTrailReader` (ids from 1 in order of recording; no MACs:
/// the real trail's chain is `PostgresAuditLog`'s and `AuditChain`'s own tests' business).
public actor InMemoryAuditLog: AuditLog, AuditTrailReader {
    public private(set) var events: [AuditEvent] = []

    public init() {}

    public func record(_ event: AuditEvent) async {
        events.append(event.sanitized)
    }

    /// The events of one type, in order.
    public func events(ofType type: AuditEventType) -> [AuditEvent] {
        events.filter { $0.type == type }
    }

    public func auditEvents(matching query: AuditQuery) async throws -> [AuditRecord] {
        var found: [AuditRecord] = []
        for (index, event) in events.enumerated().reversed() {
            let record = AuditRecord(id: Int64(index + 1), event: event, previousMAC: [], mac: [])
            guard query.matches(record) else { continue }
            found.append(record)
            if found.count == query.limit { break }
        }
        return found
    }
}
