import Foundation

/// The personal part of an audit event, kept out of the MACed body so that an erasure can remove
/// it without breaking the chain (issue 11 item 3).
///
/// An event's address, user agent and the emails in its details are written as one JSON object
/// with a random 16-byte salt (`personal`); the chain MACs only its SHA-256 (`personalDigest`,
/// the "v2" canonical form). While `personal` is there, the verifier checks it against the digest
/// (so it cannot be altered); once an erasure removed it, the digest alone still closes the MAC,
/// and without the salt it cannot be matched against a guessed address or email.
public struct AuditPersonalData: Sendable, Equatable, Codable {
    public var salt: String
    public var ip: String?
    public var userAgent: String?
    public var details: [String: String]

    enum CodingKeys: String, CodingKey {
        case salt, ip, details
        case userAgent = "user_agent"
    }

    /// Whether a detail of an event of `type` is about a person (moved into the personal part).
    public static func isPersonal(detail name: String, of type: AuditEventType) -> Bool {
        name == "email" || (type == .emailChanged && (name == "from" || name == "to"))
            // A support session's reason is free text an administrator typed: it may name the person.
            || (name == "reason" && [.supportSessionStarted, .supportTokensIssued, .supportSessionEnded].contains(type))
    }

    /// Splits a (sanitized) event into what is MACed as it is and the personal part's bytes.
    public static func split(_ event: AuditEvent, crypto: any CryptoPrimitives) -> (event: AuditEvent, personal: [UInt8]) {
        var kept = event
        kept.ip = nil
        kept.userAgent = nil
        kept.details = event.details.filter { !isPersonal(detail: $0.key, of: event.type) }
        let personal = AuditPersonalData(
            salt: crypto.randomBytes(16).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(),
            ip: event.ip, userAgent: event.userAgent, details: event.details.filter { isPersonal(detail: $0.key, of: event.type) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (kept, Array((try? encoder.encode(personal)) ?? Data()))
    }

    /// The event with its personal part put back, for reading (`audit list`, an export); the
    /// event unchanged when the part was erased or cannot be read.
    public static func revealed(_ event: AuditEvent, personal: [UInt8]?) -> AuditEvent {
        guard let personal, let part = try? JSONDecoder().decode(AuditPersonalData.self, from: Data(personal)) else { return event }
        var full = event
        full.ip = part.ip
        full.userAgent = part.userAgent
        full.details.merge(part.details) { kept, _ in kept }
        return full
    }
}
