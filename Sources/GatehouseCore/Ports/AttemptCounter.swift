import Foundation

/// Shared, atomic attempt counters (Redis) behind every limit: account lockout, second factors
/// and the per-IP rate limits.
///
/// `reserve` counts an attempt and answers whether it may go ahead in one atomic step, so a
/// caller reserves *before* checking a secret: 50 parallel guesses across any number of server
/// instances are all counted and at most `limit` of them get through (the check-then-count race
/// behind Zitadel's CVE-2023-47111 and Keycloak's CVE-2024-4629).
///
/// Windows are fixed and start with the first attempt: `limit` attempts are allowed in the
/// `window` that begins then, after which the count starts over. Times come from the caller's
/// clock (`now`), so every instance and every test agrees on them; key TTLs in the backend only
/// collect garbage.
public protocol AttemptCounter: Sendable {
    /// Counts one attempt under `key` unless the key is blocked or its window is full, atomically.
    func reserve(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount
    /// What `reserve` would answer, without counting (for limits on failures only).
    func peek(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount
    /// Gives back one attempt reserved in the current window: a limit on failures reserves
    /// before the secret is checked and returns the attempt when the secret was right. Nothing
    /// happens when the window has ended or holds no attempt (a block in force stays).
    func release(key: String, policy: LimitPolicy, now: Date) async throws
    /// Refuses every attempt under `key` until `until`; the count starts over afterwards.
    func block(key: String, until: Date, now: Date) async throws
    /// Forgets the key's attempts after a success (a block in force stays).
    func reset(key: String, now: Date) async throws
    /// Forgets the key entirely, block included (a password reset lifts a lockout).
    func clear(key: String) async throws
}

/// How many attempts a limit allows and over how long.
public struct LimitPolicy: Sendable, Equatable {
    public var limit: Int
    public var window: Duration

    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// A limit of zero attempts switches the limit off (never refuses, never counts).
    public var isEnabled: Bool { limit > 0 }
}

/// The counter's answer for one key.
public struct AttemptCount: Sendable, Equatable {
    /// Whether this attempt may go ahead (for `reserve`: it was counted).
    public var allowed: Bool
    /// Attempts counted in the current window, this one included when it was allowed.
    public var count: Int
    /// When a refused attempt may be made again (the rest of the window or of the block).
    public var retryAfter: Duration

    public init(allowed: Bool, count: Int, retryAfter: Duration) {
        self.allowed = allowed
        self.count = count
        self.retryAfter = retryAfter
    }
}
