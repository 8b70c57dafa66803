import Foundation
import GatehouseCore
import NIOConcurrencyHelpers

/// A clock tests move by hand, so expiry is tested without sleeping.
public final class TestClock: Clock, @unchecked Sendable {
    private let current: NIOLockedValueBox<Date>

    public init(_ start: Date = Date()) {
        current = NIOLockedValueBox(start)
    }

    public var now: Date { current.withLockedValue { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }
}
