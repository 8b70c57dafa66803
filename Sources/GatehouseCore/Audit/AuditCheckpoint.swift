/// A point of the audit chain written down outside the database: an event id and its MAC, as
/// `ID:HEX`. The chain alone cannot show that its newest events were removed (what is left
/// still verifies); a checkpoint kept elsewhere can: verified against it later, the event must
/// still be there with the same MAC, and since every MAC covers the one before, nothing up to it
/// can have changed either. Not a secret: a MAC says nothing about the key.
public struct AuditCheckpoint: Sendable, Equatable, CustomStringConvertible {
    public let id: Int64
    public let mac: [UInt8]

    public init(id: Int64, mac: [UInt8]) {
        self.id = id
        self.mac = mac
    }

    /// Reads `ID:HEX` as `description` writes it; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[0]), id > 0, parts[1].utf8.count == 64 else { return nil }
        var mac: [UInt8] = []
        var high: UInt8?
        for byte in parts[1].utf8 {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                mac.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.init(id: id, mac: mac)
    }

    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = Array(String(id).utf8) + [UInt8(ascii: ":")]
        for byte in mac { text += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `verifier`, having walked the whole chain, passed this checkpoint unchanged;
    /// throws the break to report otherwise.
    func confirm(seen: AuditCheckpoint?) throws(AuditChainBreak) {
        guard let seen else {
            throw AuditChainBreak(id: id, reason: "the checkpoint's event is gone: events up to it were deleted or the trail was cut short")
        }
        guard ConstantTime.equals(seen.mac, mac) else {
            throw AuditChainBreak(id: id, reason: "its MAC differs from the checkpoint: the trail was rewritten since")
        }
    }
}

/// What a full walk of the chain found.
public struct AuditVerification: Sendable, Equatable {
    /// Events in the chain.
    public let count: Int
    /// The newest event, as a checkpoint to keep; nil for an empty trail.
    public let head: AuditCheckpoint?
    public var lastID: Int64? { head?.id }

    public init(count: Int, head: AuditCheckpoint?) {
        self.count = count
        self.head = head
    }
}

extension AuditChainVerifier {
    /// Walks `pages` (records in id order, page by page) and checks the result against
    /// `checkpoint` when one is given.
    public static func verify(chain: AuditChain, checkpoint: AuditCheckpoint?,
                              pages: () async throws -> [AuditRecord]?) async throws -> AuditVerification {
        var verifier = AuditChainVerifier(chain: chain)
        var seen: AuditCheckpoint?
        while let page = try await pages() {
            for record in page {
                try verifier.check(record)
                if record.id == checkpoint?.id { seen = AuditCheckpoint(id: record.id, mac: record.mac) }
            }
        }
        try checkpoint?.confirm(seen: seen)
        return AuditVerification(count: verifier.count,
                                 head: verifier.lastID.map { AuditCheckpoint(id: $0, mac: verifier.lastMAC) })
    }
}
