import Foundation

/// The source of "now" for core logic and stores. Injected so expiry tests advance a clock
/// instead of sleeping.
public protocol Clock: Sendable {
    var now: Date { get }
}

/// The wall clock, used by the running server.
public struct SystemClock: Clock {
    public init() {}
    public var now: Date { Date() }
}
