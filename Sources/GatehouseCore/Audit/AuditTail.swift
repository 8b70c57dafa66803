import Foundation

extension LiveEventType {
    /// An event was appended to the audit trail: its id, type and time, nothing about anyone.
    public static let auditAppended = LiveEventType(rawValue: "audit.appended")
}

/// The audit trail's live tail (issue 11 item 7): each appended event announced on the live bus
/// to the platform roles (who alone search the trail), as `audit.appended` with its id, type and
/// time only — no actor, subject, address or detail: the page that hears it offers a reload, and
/// the reload reads the event through `AuditTrail`'s rule.
///
/// Announcing runs in a task of its own after the append committed: the request that caused the
/// event does not wait for Redis, and a failure to publish is dropped (the trail has the event;
/// the tail only saves a reload). What it costs: one Redis XADD per audit event, and at every
/// instance one platform-role lookup per open `/events` stream per event (`EventsRoute.reaches`).
public struct AuditTail: Sendable {
    let bus: any LiveEventBus

    public init(bus: any LiveEventBus) {
        self.bus = bus
    }

    /// Every platform role (`operator` and above).
    public static let audience = LiveEventAudience(userID: nil, platformRole: .operator)

    public static func event(_ record: AuditRecord) -> LiveEvent {
        // The stream adds `occurred_at` to every event's data.
        LiveEvent(type: .auditAppended, occurredAt: record.event.occurredAt,
                  data: ["id": String(record.id), "type": record.event.type.rawValue], audience: audience)
    }

    /// Publishes the record's announcement without waiting for it.
    public func announce(_ record: AuditRecord) {
        let bus = self.bus
        let event = Self.event(record)
        Task { try? await bus.publish(event) }
    }
}
