import Foundation
import GatehouseCore

/// A page of sessions' cursor as URL text: `<microseconds since 1970>-<session id>`. Only what
/// the server wrote reads back; anything else is no cursor (the first page).
enum SessionCursorText {
    static func text(_ cursor: SessionCursor) -> String {
        "\(Int64((cursor.lastSeenAt.timeIntervalSince1970 * 1_000_000).rounded()))-\(cursor.id.uuidString.lowercased())"
    }

    static func cursor(_ text: String) -> SessionCursor? {
        guard text.utf8.count <= 64, let dash = text.firstIndex(of: "-"),
              let micros = Int64(text[..<dash]), let id = UUID(uuidString: String(text[text.index(after: dash)...])) else { return nil }
        return SessionCursor(lastSeenAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), id: id)
    }
}
