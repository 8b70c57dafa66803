import Foundation
import GatehouseCore
import NIOConcurrencyHelpers

/// A clock tests move by hand, so expiry is tested without sleeping. Each reading also ticks
/// one millisecond, so things made one after another (mails, sessions) keep their order.
public final class TestClock: Clock, @unchecked Sendable {
    private let current: NIOLockedValueBox<Date>

    public init(_ start: Date = Date()) {
        current = NIOLockedValueBox(start)
    }

    public var now: Date {
        current.withLockedValue {
            $0 = $0.addingTimeInterval(0.001)
            return $0
        }
    }

    public func advance(by seconds: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }
}
