import Foundation

/// The time in a keyset page's cursor, as text: whole microseconds since 1970 (the resolution
/// PostgreSQL keeps). Read back only from 1970 to before the year 10000: every time a stored row
/// has, and none that would fail on its way to PostgreSQL (a far time once trapped converting to
/// microseconds and stopped the server). The one rule for every cursor, in the console, the
/// account pages and the API.
public enum CursorTime {
    /// 253,402,300,800 s after 1970: 10000-01-01.
    static let end: Int64 = 253_402_300_800_000_000

    public static func text(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }

    /// Nil for anything `text` did not write for a time in range.
    public static func date(_ text: some StringProtocol) -> Date? {
        guard let micros = Int64(text), (0..<end).contains(micros) else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
