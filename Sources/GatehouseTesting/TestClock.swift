import Foundation
import GatehouseCore

/// A clock tests move by hand, so expiry is tested without sleeping. Each reading also ticks
/// one millisecond, so things made one after another (mails, sessions) keep their order.
/// (A lock rather than an actor: `Clock.now` is read synchronously, inside actors too.)
public final class TestClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date()) {
        current = start
    }

    public var now: Date {
        lock.withLock {
            current = current.addingTimeInterval(0.001)
            return current
        }
    }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    public func advance(by duration: Duration) {
        advance(by: duration.timeInterval)
    }
}
