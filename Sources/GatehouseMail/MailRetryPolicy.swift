public import Foundation

/// When a failed mail is tried again: exponential backoff (first delay, doubling, capped),
/// and given up after `maxAttempts`. The defaults retry for about three hours (30 s, 1 min,
/// 2 min, … then hourly), long enough to ride out an SMTP outage or a deploy.
public struct MailRetryPolicy: Sendable {
    public var maxAttempts: Int
    public var firstDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 10, firstDelay: Duration = .seconds(30), maxDelay: Duration = .seconds(3600)) {
        self.maxAttempts = max(1, maxAttempts)
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// The next due time after attempt number `attempts` failed, or nil to give up.
    public func retryAt(afterAttempt attempts: Int, permanent: Bool, now: Date) -> Date? {
        guard !permanent, attempts < maxAttempts else { return nil }
        return now.addingTimeInterval(delay(afterAttempt: attempts))
    }

    /// firstDelay × 2^(attempts − 1), at most maxDelay, in seconds.
    public func delay(afterAttempt attempts: Int) -> TimeInterval {
        let first = firstDelay.seconds
        let doublings = Double(min(max(attempts - 1, 0), 40))
        return min(first * pow(2, doublings), maxDelay.seconds)
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
