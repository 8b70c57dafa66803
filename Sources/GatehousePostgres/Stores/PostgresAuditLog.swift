import Foundation
public import GatehouseCore
public import Logging

/// The audit trail in PostgreSQL (`audit_events`), one HMAC chain for the whole deployment.
///
/// Appending is one transaction: take `pg_advisory_xact_lock` on a constant shared by every
/// instance, read the newest row's MAC, draw the next id, MAC the new row over its fields and
/// that MAC, insert, commit (which releases the lock). Under READ COMMITTED each statement sees
/// what committed before it, so the row read after the lock is the true head: two instances
/// appending at once queue up instead of forking the chain. The lock is held for three short
/// statements, and only security events (never token issuance) append.
///
/// `record` never throws (see `AuditLog`): a failed append is logged at error level with the
/// event's type and subject, for the operator's alerting.
public struct PostgresAuditLog: AuditLog {
    let pool: PostgresPool
    let chain: AuditChain
    let crypto: any CryptoPrimitives
    let logger: Logger
    /// Announces each event `record` appended on the live bus (`serve` only), after the commit.
    let tail: AuditTail?

    /// The advisory lock that serializes appends (ASCII "gateaudt"); distinct from the migrator's.
    static let lockKey = 0x6761_7465_6175_6474

    /// `key` MACs new events; `previousKeys` (oldest first) verify the events written before a
    /// key rotation.
    public init(pool: PostgresPool, key: [UInt8], previousKeys: [[UInt8]] = [], crypto: any CryptoPrimitives, logger: Logger,
                tail: AuditTail? = nil) {
        self.pool = pool
        self.tail = tail
        chain = AuditChain(key: key, previousKeys: previousKeys, crypto: crypto)
        self.crypto = crypto
        self.logger = logger
    }

    public func record(_ event: AuditEvent) async {
        do {
            let stored = try await append(event)
            tail?.announce(stored)
        } catch {
            logger.error("audit event NOT recorded", metadata: [
                "audit_type": "\(event.type)", "subject": "\(event.subject?.uuidString.lowercased() ?? "-")",
                "error": "\(String(reflecting: error))",
            ])
        }
    }

    /// Appends one event to the chain and returns it as stored: its personal part (address, user
    /// agent, emails) outside the MACed body, under a digest the MAC covers (`AuditPersonalData`),
    /// so that erasing a user can remove it and the chain still verifies.
    public func append(_ event: AuditEvent) async throws -> AuditRecord {
        let (event, personal) = AuditPersonalData.split(event.sanitized, crypto: crypto)
        let personalDigest = crypto.sha256(personal)
        let details = String(decoding: try Self.encoder.encode(event.details), as: UTF8.self)
        let chain = self.chain
        return try await pool.transaction { connection in
            _ = try connection.query("SELECT pg_advisory_xact_lock($1::bigint)", [.int(Self.lockKey)])
            let head = try connection.query("SELECT mac FROM audit_events ORDER BY id DESC LIMIT 1").rows.first
            let previousMAC = try head?.bytes("mac") ?? []
            let idRow = try connection.query("SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) AS id").rows.first
            guard let id = try idRow.map({ Int64(try $0.int("id")) }) else {
                throw PostgresError(message: "the audit_events sequence returned nothing")
            }
            let mac = chain.mac(id: id, event: event, previousMAC: previousMAC, personalDigest: personalDigest)
            _ = try connection.query(
                """
                INSERT INTO audit_events (id, occurred_at, type, actor, subject, client_id, ip, user_agent, details, previous_mac, mac,
                                          personal, personal_digest)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13)
                """,
                [.int(Int(id)), .timestamp(event.occurredAt), .text(event.type.rawValue), Self.optionalText(event.actor),
                 Self.optionalUUID(event.subject), Self.optionalText(event.clientID), Self.optionalText(event.ip),
                 Self.optionalText(event.userAgent), .text(details), .bytes(previousMAC), .bytes(mac), .bytes(personal),
                 .bytes(personalDigest)])
            return AuditRecord(id: id, event: event, previousMAC: previousMAC, mac: mac, personalDigest: personalDigest, personal: personal)
        }
    }

    /// What `record` reads of a row.
    static let selectColumns = """
        id, (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_us, type, actor, subject, client_id, \
        ip, user_agent, details::text AS details, previous_mac, mac, personal, personal_digest
        """

    /// Up to `limit` rows after `id` (from the start when nil), oldest first.
    public func records(after id: Int64?, limit: Int) async throws -> [AuditRecord] {
        try await pool.query(
            """
            SELECT \(Self.selectColumns)
            FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2
            """, [.int(Int(id ?? 0)), .int(limit)]).rows.map(Self.record)
    }

    /// The newest `limit` rows, newest first, optionally only those about one account or one
    /// client (for `gatehouse audit list`).
    public func newest(limit: Int, subject: UUID? = nil, clientID: String? = nil) async throws -> [AuditRecord] {
        try await pool.query(
            """
            SELECT \(Self.selectColumns)
            FROM audit_events
            WHERE ($2::uuid IS NULL OR subject = $2::uuid) AND ($3::text IS NULL OR client_id = $3::text)
            ORDER BY id DESC LIMIT $1
            """, [.int(limit), Self.optionalUUID(subject), Self.optionalText(clientID)]).rows.map(Self.record)
    }

    /// Walks the whole chain in id order, a page at a time; throws `AuditChainBreak` naming the
    /// first row that fails, or the checkpoint's event when it is gone or differs.
    public func verify(pageSize: Int = 1000, checkpoint: AuditCheckpoint? = nil) async throws -> AuditVerification {
        var after: Int64?
        var finished = false
        return try await AuditChainVerifier.verify(chain: chain, checkpoint: checkpoint) {
            guard !finished else { return nil }
            let page = try await records(after: after, limit: pageSize)
            finished = page.count < pageSize
            after = page.last?.id ?? after
            return page
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func optionalText(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }
    static func optionalUUID(_ value: UUID?) -> PostgresValue { value.map { .uuid($0) } ?? .null }

    /// A row as read back; a row whose columns cannot be read (details that are not a flat
    /// object of strings, say) still becomes a record, with contents that will fail its MAC.
    public static let recordColumns = """
        id, (extract(epoch FROM occurred_at) * 1000000)::bigint AS occurred_us, type, actor, subject, client_id,
        ip, user_agent, details::text AS details, previous_mac, mac, personal, personal_digest
        """

    static func record(_ row: PostgresRow) throws -> AuditRecord {
        let id = Int64(try row.int("id"))
        let micros = try row.int("occurred_us")
        let detailsText = try row.string("details")
        let details = (try? JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8))) ?? ["<unreadable>": detailsText]
        let event = AuditEvent(
            type: AuditEventType(try row.string("type")),
            occurredAt: Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000),
            actor: try row.optionalString("actor"), subject: try row.optionalUUID("subject"),
            clientID: try row.optionalString("client_id"), ip: try row.optionalString("ip"),
            userAgent: try row.optionalString("user_agent"), details: details)
        return AuditRecord(id: id, event: event, previousMAC: try row.bytes("previous_mac"), mac: try row.bytes("mac"),
                           personalDigest: try row.optionalBytes("personal_digest"), personal: try row.optionalBytes("personal"))
    }
}
