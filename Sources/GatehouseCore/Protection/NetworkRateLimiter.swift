import Foundation

/// Per-IP rate limits (`RateLimitedAction`), shared by every instance through the atomic
/// counters. The address is the client's as resolved once per request (`X-Forwarded-For` only
/// from trusted proxies); IPv6 clients are counted per /64, since one host can hold the whole
/// block. An unreachable Redis refuses (`ProtectionUnavailable`), never lets a request through
/// uncounted. Refusals are remembered in-process until their window ends (`RefusalMemory`), so
/// a flood from one address costs no Redis round trip once it is over its limit.
///
/// Limits on failures (`clientAuthentication`) are checked from that memory alone, so requests
/// that succeed never wait on Redis: each failure is counted in Redis, and the failure that finds
/// the window full is refused and teaches this instance to refuse the address until the window
/// ends. With several instances an address gets at most one more check per instance.
public struct NetworkRateLimiter: Sendable {
    let counter: any AttemptCounter
    let settings: ProtectionSettings
    let clock: any Clock
    let memory: RefusalMemory

    public init(counter: any AttemptCounter, settings: ProtectionSettings, clock: any Clock, memory: RefusalMemory = RefusalMemory()) {
        self.counter = counter
        self.settings = settings
        self.clock = clock
        self.memory = memory
    }

    /// Counts one request of `action` from `address`; throws `TooManyAttempts` when it is over
    /// the limit (the refused request is not counted).
    public func reserve(_ action: RateLimitedAction, from address: String?) async throws {
        let policy = settings.policy(for: action)
        guard policy.isEnabled else { return }
        let key = Self.key(action, address), now = clock.now
        try refuseIfRemembered(action, key: key, now: now)
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw refusal(action, key: key, count: count, now: now) }
    }

    /// For limits on failures: throws `TooManyAttempts` when this instance knows `address` used
    /// up its failures. In-process only: no Redis round trip, nothing counted.
    public func refuseIfKnownExhausted(_ action: RateLimitedAction, from address: String?) throws {
        guard settings.policy(for: action).isEnabled else { return }
        try refuseIfRemembered(action, key: Self.key(action, address), now: clock.now)
    }

    /// Counts one failure of `action` from `address`; throws `TooManyAttempts` when the window
    /// was already full (this failure is one too many), and remembers that.
    public func recordFailure(_ action: RateLimitedAction, from address: String?) async throws {
        let policy = settings.policy(for: action)
        guard policy.isEnabled else { return }
        let key = Self.key(action, address), now = clock.now
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw refusal(action, key: key, count: count, now: now) }
    }

    private func refuseIfRemembered(_ action: RateLimitedAction, key: String, now: Date) throws {
        if let until = memory.refusedUntil(key, now: now) {
            throw TooManyAttempts(.network(action), retryAfter: .seconds(until.timeIntervalSince(now)))
        }
    }

    private func refusal(_ action: RateLimitedAction, key: String, count: AttemptCount, now: Date) -> TooManyAttempts {
        memory.remember(key, until: now.addingTimeInterval(count.retryAfter.timeInterval), now: now)
        return TooManyAttempts(.network(action), retryAfter: count.retryAfter)
    }

    static func key(_ action: RateLimitedAction, _ address: String?) -> String {
        "ip:" + action.rawValue + ":" + (address ?? "unknown")
    }
}
