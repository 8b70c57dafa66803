import Foundation

/// One stored row of the audit trail: the event, its place in the chain (`id`), the MAC of the
/// row before it and its own MAC.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    public var event: AuditEvent
    public var previousMAC: [UInt8]
    public var mac: [UInt8]

    public init(id: Int64, event: AuditEvent, previousMAC: [UInt8], mac: [UInt8]) {
        self.id = id
        self.event = event
        self.previousMAC = previousMAC
        self.mac = mac
    }
}
