import Foundation
import GatehouseCore

/// An audit event as one line of JSON (the export's and, field for field, the API's shape): the
/// revealed event — its address, user agent and emails while not erased — with its id and time.
enum AuditExport {
    static let contentType = "application/x-ndjson"

    /// `{"id":…,"type":…,"occurred_at":…,"actor":…,"subject":…,"client_id":…,"ip":…,"user_agent":…,"details":{…}}` and a newline.
    static func line(_ record: AuditRecord) -> [UInt8] {
        object(record) + [UInt8(ascii: "\n")]
    }

    /// The event as one JSON object: every field present, `null` where it has no value (an erased
    /// address reads as null); details as an object of strings, keys sorted.
    static func object(_ record: AuditRecord) -> [UInt8] {
        let event = record.revealedEvent
        var bytes: [UInt8] = Array("{\"id\":\(record.id)".utf8)
        func field(_ name: String, _ value: String?) {
            bytes.append(contentsOf: Array(",\"\(name)\":".utf8))
            if let value { JSONObjectWriter.appendString(value, to: &bytes) } else { bytes.append(contentsOf: Array("null".utf8)) }
        }
        field("type", event.type.rawValue)
        field("occurred_at", time(event.occurredAt))
        field("actor", event.actor)
        field("subject", event.subject?.uuidString.lowercased())
        field("client_id", event.clientID)
        field("ip", event.ip)
        field("user_agent", event.userAgent)
        bytes.append(contentsOf: Array(",\"details\":{".utf8))
        for (index, pair) in event.details.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONObjectWriter.appendString(pair.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            JSONObjectWriter.appendString(pair.value, to: &bytes)
        }
        bytes.append(contentsOf: Array("}}".utf8))
        return bytes
    }

    /// RFC 3339 in UTC with microseconds (what the trail stores): `2026-12-05T10:00:00.123456Z`.
    static func time(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { seconds -= 1; fraction += 1_000_000 }
        let whole = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds))).dropLast()
        return whole + "." + String(repeating: "0", count: 6 - String(fraction).count) + String(fraction) + "Z"
    }

    static func fileStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }
}
