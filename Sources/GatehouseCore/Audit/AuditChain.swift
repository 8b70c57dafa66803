import Foundation

/// The audit trail's tamper evidence: every row carries HMAC-SHA256(key, canonical(row,
/// previous row's MAC)), so editing, inserting or deleting a row anywhere but at the very end
/// breaks the chain at that row, even for someone who can write the table (a superuser can
/// switch the append-only trigger off; without the key they cannot forge the MACs).
///
/// The canonical form is a fixed sequence of length-prefixed fields, not JSON: nothing about
/// key order, escaping or number formatting can make two encodings of one row differ.
///
/// Keys rotate: `key` MACs new rows, `previousKeys` (oldest first) only verify the rows written
/// before. The chain may move from one key to a later one, never back, so a retired key that
/// leaks cannot forge a row after the first row of its successor.
public struct AuditChain: Sendable {
    let key: [UInt8]
    /// Earlier keys, oldest first: accepted by the verifier for rows before the switch.
    let previousKeys: [[UInt8]]
    let crypto: any CryptoPrimitives

    /// Fewest key bytes accepted (`GATEHOUSE_AUDIT_KEY`: 32 random bytes).
    public static let minimumKeyLength = 32
    static let version = Array("gatehouse-audit-v1".utf8)
    /// Rows with a personal part outside the MACed body: the same fields, then its digest.
    static let versionWithPersonalDigest = Array("gatehouse-audit-v2".utf8)

    public init(key: [UInt8], previousKeys: [[UInt8]] = [], crypto: any CryptoPrimitives) {
        precondition(([key] + previousKeys).allSatisfy { $0.count >= Self.minimumKeyLength }, "audit keys must hold at least 32 bytes")
        self.key = key
        self.previousKeys = previousKeys
        self.crypto = crypto
    }

    /// Every key in the order the chain may use them: the previous ones, then the current one.
    var keysInOrder: [[UInt8]] { previousKeys + [key] }

    /// The MAC of the event stored as row `id` after a row whose MAC was `previousMAC`
    /// (empty for the first row), under the current key. With `personalDigest` (v2 rows) the
    /// event is the part kept in the clear and the digest stands for its personal part.
    public func mac(id: Int64, event: AuditEvent, previousMAC: [UInt8], personalDigest: [UInt8]? = nil) -> [UInt8] {
        mac(id: id, event: event, previousMAC: previousMAC, personalDigest: personalDigest, key: key)
    }

    func mac(id: Int64, event: AuditEvent, previousMAC: [UInt8], personalDigest: [UInt8]?, key: [UInt8]) -> [UInt8] {
        crypto.hmacSHA256(key: key, message: Self.canonical(id: id, event: event, previousMAC: previousMAC, personalDigest: personalDigest))
    }

    /// Timestamps are MACed as whole microseconds since 1970 (PostgreSQL's resolution), rounded
    /// the way the store rounds them, so a stored row reads back to the same number.
    public static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func canonical(id: Int64, event: AuditEvent, previousMAC: [UInt8], personalDigest: [UInt8]? = nil) -> [UInt8] {
        var out = personalDigest == nil ? version : versionWithPersonalDigest
        func field(_ bytes: [UInt8]?) {
            guard let bytes else { out.append(0); return }
            out.append(1)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: bytes)
        }
        func text(_ value: String?) { field(value.map { Array($0.utf8) }) }
        text(String(id))
        text(String(microseconds(event.occurredAt)))
        text(event.type.rawValue)
        text(event.actor)
        text(event.subject?.uuidString.lowercased())
        text(event.clientID)
        text(event.ip)
        text(event.userAgent)
        text(String(event.details.count))
        for (name, value) in event.details.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            text(name)
            text(value)
        }
        if let personalDigest { field(personalDigest) }
        field(previousMAC)
        return out
    }
}

/// Where a chain stops being trustworthy: the first row that fails, and why.
public struct AuditChainBreak: Error, Equatable, Sendable, CustomStringConvertible {
    public let id: Int64
    public let reason: String
    public var description: String { "audit chain broken at event \(id): \(reason)" }
}

/// Walks stored rows in id order, one page at a time, recomputing each MAC and checking each
/// link to the row before. Reports the first break.
public struct AuditChainVerifier: Sendable {
    let chain: AuditChain
    public private(set) var count = 0
    public private(set) var lastID: Int64?
    public private(set) var lastMAC: [UInt8] = []
    /// Which of `chain.keysInOrder` MACed the last row: later rows may use it or a later key only.
    private var keyIndex = 0

    public init(chain: AuditChain) {
        self.chain = chain
    }

    public mutating func check(_ record: AuditRecord) throws(AuditChainBreak) {
        if let lastID, record.id <= lastID {
            throw AuditChainBreak(id: record.id, reason: "it is out of order (after event \(lastID))")
        }
        guard ConstantTime.equals(record.previousMAC, lastMAC) else {
            let before = lastID.map { "event \($0)" } ?? "the start of the trail"
            throw AuditChainBreak(id: record.id, reason: "it does not follow \(before): an event between them was deleted, or one was altered")
        }
        if let personal = record.personal {
            // Present personal data must be exactly what was digested; erased data is just absent.
            guard let digest = record.personalDigest, ConstantTime.equals(chain.crypto.sha256(personal), digest) else {
                throw AuditChainBreak(id: record.id, reason: "its personal data does not match the digest its MAC covers: it was altered")
            }
        }
        let keys = chain.keysInOrder
        guard let used = (keyIndex..<keys.count).first(where: { index in
            ConstantTime.equals(chain.mac(id: record.id, event: record.event, previousMAC: record.previousMAC,
                                          personalDigest: record.personalDigest, key: keys[index]), record.mac)
        }) else {
            throw AuditChainBreak(id: record.id, reason: "its MAC does not match its contents: the event was altered (or the key is wrong)")
        }
        keyIndex = used
        count += 1
        lastID = record.id
        lastMAC = record.mac
    }
}
