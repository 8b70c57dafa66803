import Foundation
import GatehouseCore

/// `AttemptCounter` in memory, as `RedisAttemptCounter`'s scripts count (`AttemptCounterConformance`):
/// fixed windows that start with the first attempt, blocks, and every time taken from the
/// caller's `now` in whole milliseconds. One call at a time (an actor), as one script at a time
/// runs in Redis, so parallel reservations never pass the limit.
public actor InMemoryAttemptCounter: AttemptCounter {
    struct Entry { var count = 0; var start: Int64; var blockedUntil: Int64? }

    var entries: [String: Entry] = [:]

    public init() {}

    public func reserve(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount {
        evaluate(key: key, policy: policy, now: now, counting: true)
    }

    public func peek(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount {
        evaluate(key: key, policy: policy, now: now, counting: false)
    }

    public func release(key: String, policy: LimitPolicy, now: Date) async throws {
        guard let entry = entries[key], entry.count > 0,
              Self.milliseconds(now) - entry.start < Self.milliseconds(policy.window) else { return }
        entries[key]?.count -= 1
    }

    public func block(key: String, until: Date, now: Date) async throws {
        entries[key] = Entry(count: 0, start: Self.milliseconds(now), blockedUntil: Self.milliseconds(until))
    }

    public func reset(key: String, now: Date) async throws {
        if let blocked = entries[key]?.blockedUntil, blocked > Self.milliseconds(now) { return }
        entries[key] = nil
    }

    public func clear(key: String) async throws {
        entries[key] = nil
    }

    func evaluate(key: String, policy: LimitPolicy, now date: Date, counting: Bool) -> AttemptCount {
        let now = Self.milliseconds(date), window = Self.milliseconds(policy.window)
        var entry = entries[key] ?? Entry(start: now)
        let blocked = entry.blockedUntil ?? 0
        if blocked > now { return AttemptCount(allowed: false, count: entry.count, retryAfter: .milliseconds(blocked - now)) }
        if now - entry.start >= window {
            entry.count = 0
            entry.start = now
        }
        if entry.count >= policy.limit {
            return AttemptCount(allowed: false, count: entry.count, retryAfter: .milliseconds(max(0, entry.start + window - now)))
        }
        if counting {
            entry.count += 1
            entry.blockedUntil = nil
            entries[key] = entry
        }
        return AttemptCount(allowed: true, count: entry.count, retryAfter: .milliseconds(max(0, entry.start + window - now)))
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func milliseconds(_ duration: Duration) -> Int64 { max(1, Int64((duration.timeInterval * 1000).rounded(.up))) }
}
