import Foundation

/// One stored row of the audit trail: the event, its place in the chain (`id`), the MAC of the
/// row before it and its own MAC. Rows written since the user lifecycle (v2) also carry the
/// digest of their personal part, which the MAC covers, and the part itself until an erasure
/// removes it (`AuditPersonalData`); older rows (v1) have neither.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    /// As MACed: for a v2 row, without its personal part.
    public var event: AuditEvent
    public var previousMAC: [UInt8]
    public var mac: [UInt8]
    public var personalDigest: [UInt8]?
    /// The personal part's bytes; nil once erased (and for a v1 row).
    public var personal: [UInt8]?

    public init(id: Int64, event: AuditEvent, previousMAC: [UInt8], mac: [UInt8], personalDigest: [UInt8]? = nil,
                personal: [UInt8]? = nil) {
        self.id = id
        self.event = event
        self.previousMAC = previousMAC
        self.mac = mac
        self.personalDigest = personalDigest
        self.personal = personal
    }

    /// The event with its personal part, where it was not erased: what operators read.
    public var revealedEvent: AuditEvent { AuditPersonalData.revealed(event, personal: personal) }
}
