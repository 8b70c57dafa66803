import GatehouseCore

/// `AuditLog` that keeps the events in order, for tests that check what a flow recorded. (The
/// real trail's chain and MACs are `PostgresAuditLog`'s and `AuditChain`'s own tests' business.)
public actor InMemoryAuditLog: AuditLog {
    public private(set) var events: [AuditEvent] = []

    public init() {}

    public func record(_ event: AuditEvent) async {
        events.append(event.sanitized)
    }

    /// The events of one type, in order.
    public func events(ofType type: AuditEventType) -> [AuditEvent] {
        events.filter { $0.type == type }
    }
}
