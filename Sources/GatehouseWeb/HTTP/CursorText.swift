import Foundation
import GatehouseCore

/// A keyset page's cursor as URL text — `<microseconds since 1970>-<id>`: where a list ordered by
/// a time and then an id goes on (sessions by last seen, members by when they joined, bulk jobs
/// by when they were made). Only what the server wrote reads back; anything else, a time out of
/// `CursorTime`'s range included, is no cursor (the first page).
enum CursorText {
    static func text(_ date: Date, _ id: UUID) -> String {
        CursorTime.text(date) + "-" + id.uuidString.lowercased()
    }

    static func read(_ text: String) -> (date: Date, id: UUID)? {
        guard text.utf8.count <= 64, let dash = text.firstIndex(of: "-"), let date = CursorTime.date(text[..<dash]),
              let id = UUID(uuidString: String(text[text.index(after: dash)...])) else { return nil }
        return (date, id)
    }

    static func text(_ cursor: SessionCursor) -> String { text(cursor.lastSeenAt, cursor.id) }
    static func session(_ text: String) -> SessionCursor? { read(text).map { SessionCursor(lastSeenAt: $0.date, id: $0.id) } }

    static func text(_ cursor: BulkJobCursor) -> String { text(cursor.createdAt, cursor.id) }
    static func bulkJob(_ text: String) -> BulkJobCursor? { read(text).map { BulkJobCursor(createdAt: $0.date, id: $0.id) } }

    static func text(_ cursor: MembershipCursor) -> String { text(cursor.createdAt, cursor.userID) }
    static func membership(_ text: String) -> MembershipCursor? { read(text).map { MembershipCursor(createdAt: $0.date, userID: $0.id) } }

    /// Client ids are ours (base64url, no dash-free guarantee): the id follows the first dash.
    static func text(_ cursor: ClientCursor) -> String {
        CursorTime.text(cursor.createdAt) + "-" + cursor.id
    }

    static func client(_ text: String) -> ClientCursor? {
        guard text.utf8.count <= 200, let dash = text.firstIndex(of: "-"), let date = CursorTime.date(text[..<dash]) else { return nil }
        let id = String(text[text.index(after: dash)...])
        guard !id.isEmpty else { return nil }
        return ClientCursor(createdAt: date, id: id)
    }
}
