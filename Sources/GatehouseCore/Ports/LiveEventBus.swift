import Foundation

/// Where live events go so that every instance sees them (Redis: one stream). Events are kept at
/// least `LiveEventBus.retention`, so a watcher that lost its connection resumes with
/// `Last-Event-ID` and misses nothing from the last 10 minutes.
public protocol LiveEventBus: Sendable {
    /// Appends the event; it gets its id here.
    func publish(_ event: LiveEvent) async throws
    /// Up to `limit` events published after the event `id`, oldest first, ids set.
    func events(after id: LiveEventID, limit: Int) async throws -> [LiveEvent]
    /// The newest event's id (`LiveEventID.start` when there is none): where a new watcher begins.
    func newestID() async throws -> LiveEventID
}

extension LiveEventBus {
    /// How long events stay for resuming: the 10 minutes promised, and some.
    public static var retention: TimeInterval { 15 * 60 }
}

/// An event's place on the bus: milliseconds since 1970 and a sequence number within that
/// millisecond (Redis stream ids). Only text of that shape reads as one, so a client's
/// `Last-Event-ID` never reaches the bus as anything else.
public struct LiveEventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: UInt64
    public let sequence: UInt64

    public static let start = LiveEventID(milliseconds: 0, sequence: 0)

    public init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// `1733350000000-0`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // Digits only: `UInt64("+1")` would read a sign.
        guard parts.count == 2, parts.allSatisfy({ (1...20).contains($0.utf8.count) && $0.utf8.allSatisfy { (48...57).contains($0) } }),
              let milliseconds = UInt64(parts[0]), let sequence = UInt64(parts[1]) else { return nil }
        self.init(milliseconds: milliseconds, sequence: sequence)
    }

    public var description: String { "\(milliseconds)-\(sequence)" }

    public static func < (lhs: LiveEventID, rhs: LiveEventID) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }
}
