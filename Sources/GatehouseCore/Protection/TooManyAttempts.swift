/// Thrown when a limit refuses an attempt: a locked account or second factor, or an address
/// over its per-IP limit. The web layer turns it into 429 with `Retry-After` in one place (a
/// page for browser endpoints, OAuth JSON for APIs). The scope only picks the words: an account
/// lock reads the same whether or not the account exists.
public struct TooManyAttempts: Error, Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// Too many failed passwords for one email: the account is locked.
        case password
        /// Too many failed second-factor codes for one user.
        case secondFactor
        /// Too many wrong emailed codes for one address (or one account proving an address).
        case emailCode
        /// Too many requests of one kind from one address.
        case network(RateLimitedAction)
        /// Too much password work (argon2) asked for one account in a short time.
        case passwordWork
        /// One address keeps too many unfinished authorization requests stored.
        case pendingAuthorizations
    }

    public let scope: Scope
    public let retryAfter: Duration

    public init(_ scope: Scope, retryAfter: Duration) {
        self.scope = scope
        self.retryAfter = retryAfter
    }

    /// Whole seconds for `Retry-After` (RFC 9110 §10.2.3), at least 1.
    public var retryAfterSeconds: Int {
        max(1, Int(retryAfter.timeInterval.rounded(.up)))
    }
}

/// The store of pending authorization requests holds as many as it may
/// (`ProtectionSettings.pendingAuthorizationBytesTotal`): new sign-ins are refused with 503 and
/// `Retry-After` until some finish or expire, rather than letting Redis fill up (with
/// `noeviction`, a full Redis would refuse every write, counters included).
public struct PendingAuthorizationsFull: Error, Sendable, Equatable {
    /// When to try again: a minute, long enough for some requests to finish.
    public let retryAfterSeconds = 60

    public init() {}
}

/// The counters cannot be reached (Redis down): the attempt is refused rather than let through
/// uncounted (fail closed). The web layer answers 503 with `Retry-After`.
public struct ProtectionUnavailable: Error, Sendable, CustomStringConvertible {
    public let underlying: String

    public init(_ underlying: any Error) {
        self.underlying = String(describing: underlying)
    }

    public var description: String { "attempt counters unavailable: \(underlying)" }
}
