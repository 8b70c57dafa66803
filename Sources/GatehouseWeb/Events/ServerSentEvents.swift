import Foundation
import GatehouseCore

/// The `text/event-stream` wire format (HTML Living Standard §9.2): each field on its own line,
/// an event ended by a blank line. Values are JSON or ids Gatehouse wrote, so no line break can
/// reach a field from outside (JSON escapes them).
enum ServerSentEvents {
    static let contentType = "text/event-stream; charset=utf-8"
    /// How long a browser waits before reconnecting (with `Last-Event-ID`).
    static let retryMilliseconds = 3000

    static var opening: String { "retry: \(retryMilliseconds)\n: gatehouse live events\n\n" }
    static var heartbeat: String { ": keep-alive\n\n" }

    static func frame(_ event: LiveEvent) -> String {
        var data = event.data
        data["occurred_at"] = ISO8601DateFormatter().string(from: event.occurredAt)
        let json = (try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(event.id ?? "")\nevent: \(event.type.rawValue)\ndata: \(json)\n\n"
    }
}
