import Foundation

/// One page of the audit trail to find (issue 11 item 7): who acted, about whom, through which
/// client, in which organization, which types, when; newest first by id, strictly before a
/// position (keyset, never OFFSET), at most `limit`. Who may search is not part of it:
/// `AuditTrail` decides that from the searcher's roles.
public struct AuditQuery: Sendable, Equatable {
    /// The actor exactly as stored: `user:<id>`, `client:<id>`, `operator` or `system`.
    public var actor: AuditActor?
    /// The account the events are about.
    public var subject: UUID?
    /// The client the events went through (the `client_id` column).
    public var clientID: String?
    /// Events carrying `details.organization_id` equal to this id: what organization, membership,
    /// invitation, custom role and client administration records. A sign-in by a member is not
    /// matched (it names no organization).
    public var organizationID: UUID?
    /// Any of these types; empty matches every type.
    public var types: [AuditEventType]
    /// Events that occurred at or after `from` and before `to`.
    public var from: Date?
    public var to: Date?
    /// Only events with an id strictly below this one (the page after a cursor).
    public var before: Int64?
    public var limit: Int

    /// The most events one page may ask for.
    public static let maximumLimit = 200
    /// The most types one query may name.
    public static let maximumTypes = 20

    public init(actor: AuditActor? = nil, subject: UUID? = nil, clientID: String? = nil, organizationID: UUID? = nil,
                types: [AuditEventType] = [], from: Date? = nil, to: Date? = nil, before: Int64? = nil, limit: Int = 50) {
        self.actor = actor
        self.subject = subject
        self.clientID = clientID
        self.organizationID = organizationID
        self.types = Array(types.prefix(Self.maximumTypes))
        self.from = from
        self.to = to
        self.before = before
        self.limit = max(1, min(limit, Self.maximumLimit))
    }

    /// Whether `record` is one this query matches (the in-memory twin's filter, and the rule the
    /// PostgreSQL statement states in SQL).
    public func matches(_ record: AuditRecord) -> Bool {
        let event = record.event
        if let before, record.id >= before { return false }
        if let actor, event.actor != actor.rawValue { return false }
        if let subject, event.subject != subject { return false }
        if let clientID, event.clientID != clientID { return false }
        if let organizationID, event.details["organization_id"] != organizationID.uuidString.lowercased() { return false }
        if !types.isEmpty, !types.contains(event.type) { return false }
        if let from, event.occurredAt < from { return false }
        if let to, event.occurredAt >= to { return false }
        return true
    }
}

/// Who acted, as the trail stores it; read from what an administrator types, refused when it is
/// none of the four forms.
public struct AuditActor: Sendable, Equatable, Hashable, RawRepresentable {
    public let rawValue: String

    /// `user:<uuid>` (any case), `client:<id>` (1 to 200 bytes), `operator` or `system`.
    public init?(rawValue text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "operator" || text == "system" {
            rawValue = text
        } else if text.hasPrefix("user:"), let id = UUID(uuidString: String(text.dropFirst(5))) {
            rawValue = AuditEvent.user(id)
        } else if text.hasPrefix("client:"), text.utf8.count > 7, text.utf8.count <= 207,
                  !text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            rawValue = text
        } else {
            return nil
        }
    }

    public static func user(_ id: UUID) -> AuditActor { AuditActor(rawValue: AuditEvent.user(id))! }
}

/// Where a page of the trail ends, as it travels in URLs: opaque (base64url), never a SQL
/// fragment or an offset.
public enum AuditCursor {
    public static func text(before id: Int64) -> String {
        Base64URL.encode(Array("b|\(id)".utf8))
    }

    /// The id a cursor names; nil when it is not a cursor (the first page follows).
    public static func id(_ cursor: String) -> Int64? {
        guard cursor.utf8.count <= 64, let bytes = Base64URL.decode(cursor), let text = String(bytes: bytes, encoding: .utf8),
              text.hasPrefix("b|"), let id = Int64(text.dropFirst(2)), id > 0 else { return nil }
        return id
    }
}
