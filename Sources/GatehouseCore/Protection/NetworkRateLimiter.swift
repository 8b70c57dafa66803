import Foundation

/// Per-IP rate limits (`RateLimitedAction`), shared by every instance through the atomic
/// counters. The origin is the client's as resolved once per request (`X-Forwarded-For` only
/// from trusted proxies); IPv6 clients are counted per /64, since one host can hold the whole
/// block; a trusted network (`ClientOrigin.isExempt`) is never counted or refused here. An
/// unreachable Redis refuses (`ProtectionUnavailable`), never lets a request through uncounted.
/// Refusals are remembered in-process until their window ends (`RefusalMemory`), so a flood from
/// one address costs no Redis round trip once it is over its limit.
///
/// Three ways of counting, one per kind of limit (DESIGN.md, "Limits that a shared network
/// survives"):
/// - `reserve`: every request counts (work that costs: mail, registrations, argon2 outside
///   sign-in).
/// - `reserveFailure`: a limit on failures where an address over it must be refused whatever it
///   presents (sign-in, second factors: credential stuffing succeeds with right passwords). The
///   attempt is reserved before the secret is checked, atomically, and given back when it was
///   right, so the count holds failures only and a crowd signing in correctly never fills it.
/// - `recordFailure`: a limit on failures that refuses only failing attempts (client
///   authentication: a 256-bit secret checked by a cheap digest cannot be guessed, so a right
///   one is never refused for someone else's failures). Counted after the check.
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

    /// Counts one request of `action` from `origin`; throws `TooManyAttempts` when it is over the
    /// limit (the refused request is not counted).
    public func reserve(_ action: RateLimitedAction, from origin: ClientOrigin) async throws {
        let policy = settings.policy(for: action)
        guard policy.isEnabled, !origin.isExempt else { return }
        let key = Self.key(action, origin.limitKey), now = clock.now
        try refuseIfRemembered(.network(action), key: key, now: now)
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw refusal(.network(action), key: key, count: count, now: now) }
    }

    /// `reserve` for an address that is not in a trusted network.
    public func reserve(_ action: RateLimitedAction, from address: String?) async throws {
        try await reserve(action, from: ClientOrigin(address: address))
    }

    /// Reserves one failure of `action` for `origin` before a secret is checked; throws
    /// `TooManyAttempts` when the address used up its failures (until the window ends). Give the
    /// slot back with `release()` when the secret was right. Nil when nothing was counted (a
    /// trusted network, or the limit is off).
    public func reserveFailure(_ action: RateLimitedAction, from origin: ClientOrigin) async throws -> NetworkFailureSlot? {
        let policy = settings.policy(for: action)
        guard policy.isEnabled, !origin.isExempt else { return nil }
        let key = Self.key(action, origin.limitKey), now = clock.now
        try refuseIfRemembered(.network(action), key: key, now: now)
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw refusal(.network(action), key: key, count: count, now: now) }
        return NetworkFailureSlot(limiter: self, key: key, policy: policy)
    }

    /// Counts one failure of `action` from `origin` after it happened; throws `TooManyAttempts`
    /// when the window was already full (this failure is one too many). Once an address is known
    /// to be over, its failures are refused from memory, without a Redis round trip.
    public func recordFailure(_ action: RateLimitedAction, from origin: ClientOrigin) async throws {
        guard !origin.isExempt else { return }
        try await recordFailure(.network(action), key: Self.key(action, origin.limitKey), policy: settings.policy(for: action))
    }

    /// `recordFailure` under any key (e.g. per client id), with the refusal's scope.
    func recordFailure(_ scope: TooManyAttempts.Scope, key: String, policy: LimitPolicy) async throws {
        guard policy.isEnabled else { return }
        let now = clock.now
        try refuseIfRemembered(scope, key: key, now: now)
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw refusal(scope, key: key, count: count, now: now) }
    }

    private func refuseIfRemembered(_ scope: TooManyAttempts.Scope, key: String, now: Date) throws {
        if let until = memory.refusedUntil(key, now: now) {
            throw TooManyAttempts(scope, retryAfter: .seconds(until.timeIntervalSince(now)))
        }
    }

    private func refusal(_ scope: TooManyAttempts.Scope, key: String, count: AttemptCount, now: Date) -> TooManyAttempts {
        memory.remember(key, until: now.addingTimeInterval(count.retryAfter.timeInterval), now: now)
        return TooManyAttempts(scope, retryAfter: count.retryAfter)
    }

    static func key(_ action: RateLimitedAction, _ address: String?) -> String {
        "ip:" + action.rawValue + ":" + (address ?? "unknown")
    }
}

/// One failure reserved for an address before a secret is checked: kept when the secret was
/// wrong, given back (`release()`) when it was right or when nothing was checked.
public struct NetworkFailureSlot: Sendable {
    let limiter: NetworkRateLimiter
    let key: String
    let policy: LimitPolicy

    /// Gives the reserved failure back: the address's count is as it was before.
    public func release() async throws {
        let now = limiter.clock.now
        try await unlessUnavailable { try await limiter.counter.release(key: key, policy: policy, now: now) }
    }
}
