import Foundation

/// Per-account brute-force protection for every secret a person types: passwords and second
/// factors (TOTP, email codes, recovery codes).
///
/// The order is the point (OWASP ASVS V2.2.1; Zitadel CVE-2023-47111, Keycloak CVE-2024-4629):
/// 1. the attempt is *reserved* in the shared Redis counter — counted and admitted in one atomic
///    step — before any secret is checked, so parallel guesses on any number of instances never
///    get more than `limit` checks per window; a full window or a block refuses here, cheaply;
/// 2. an admitted attempt still meets the lock recorded in PostgreSQL, which survives a Redis
///    restart (and is copied back into the counter as a block, so Redis answers next time);
/// 3. the caller checks the secret and reports `succeeded()` (the count starts over) or
///    `failed()`; the failure that fills the window locks the subject for `lockoutDuration`,
///    records the lock durably, tells the observers once, and throws `TooManyAttempts`.
///
/// Reserved `from` a `ClientOrigin` (every sign-in step does), the attempt also reserves one
/// failure of the address (`RateLimitedAction.login` for passwords, `.secondFactor` for codes)
/// before the account's: an address that used up its failures is refused first, cheaply, and a
/// right secret gives the address's failure back, so only failures count per IP (a crowd behind
/// one NAT signing in correctly is never refused).
///
/// An unreachable Redis refuses the attempt (`ProtectionUnavailable`, 503): never an uncounted
/// check. A limit of 0 switches the subject's limit off.
///
/// ```swift
/// let attempt = try await limiter.reserve(.secondFactor(userID: user.id), from: context.origin)
/// guard codeIsRight else { try await attempt.failed(); return wrongCodePage }  // throws when this locks
/// try await attempt.succeeded()
/// ```
public struct AttemptLimiter: Sendable {
    let counter: any AttemptCounter
    let lockouts: any LockoutStore
    let settings: ProtectionSettings
    let crypto: any CryptoPrimitives
    let clock: any Clock
    let observer: any LockoutObserver
    /// The per-IP refusals this process remembers (shared with `NetworkRateLimiter`).
    let memory: RefusalMemory

    public init(counter: any AttemptCounter, lockouts: any LockoutStore, settings: ProtectionSettings,
                crypto: any CryptoPrimitives, clock: any Clock, observer: any LockoutObserver,
                memory: RefusalMemory = RefusalMemory()) {
        self.counter = counter
        self.lockouts = lockouts
        self.settings = settings
        self.crypto = crypto
        self.clock = clock
        self.observer = observer
        self.memory = memory
    }

    /// Reserves one failure of the address, then one attempt for `subject`: the way every
    /// sign-in step (password, second factor) checks a secret. Throws `TooManyAttempts` when the
    /// address used up its failures or the subject is locked or full, `ProtectionUnavailable`
    /// when the counters cannot be reached.
    public func reserve(_ subject: AttemptSubject, from origin: ClientOrigin) async throws -> AttemptReservation {
        let network = NetworkRateLimiter(counter: counter, settings: settings, clock: clock, memory: memory)
        let slot = try await network.reserveFailure(subject.kind.networkAction, from: origin)
        do {
            var reservation = try await reserve(subject, clientIP: origin.address)
            reservation.networkSlot = slot
            return reservation
        } catch {
            // Refused before any secret was checked: not a failure of the address.
            try? await slot?.release()
            throw error
        }
    }

    /// Reserves one attempt for `subject` alone, or throws `TooManyAttempts` when it is locked or
    /// its window is full, and `ProtectionUnavailable` when the counters cannot be reached. For
    /// checks whose address is limited otherwise (the account page's password, charged as
    /// password work); sign-in steps use `reserve(_:from:)`.
    public func reserve(_ subject: AttemptSubject, clientIP: String?) async throws -> AttemptReservation {
        let policy = policy(for: subject)
        guard policy.isEnabled else { return AttemptReservation(limiter: self, subject: subject, attempt: 0, clientIP: clientIP) }
        let now = clock.now
        let key = subject.counterKey(crypto)
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw TooManyAttempts(scope(of: subject), retryAfter: count.retryAfter) }
        if let until = try await lockouts.lockedUntil(subject: subject.digest(crypto), now: now) {
            // Redis forgot the lock (a restart): PostgreSQL still has it. Tell Redis again.
            try await unlessUnavailable { try await counter.block(key: key, until: until, now: now) }
            throw TooManyAttempts(scope(of: subject), retryAfter: .seconds(until.timeIntervalSince(now)))
        }
        return AttemptReservation(limiter: self, subject: subject, attempt: count.count, clientIP: clientIP)
    }

    /// Lifts the subject's lock and forgets its failures.
    public func lift(_ subject: AttemptSubject) async throws {
        try await lockouts.lift(subject: subject.digest(crypto))
        let key = subject.counterKey(crypto)
        try await unlessUnavailable { try await counter.clear(key: key) }
    }

    /// Lifts every lock and count about the account and its address: an administrator's unlock,
    /// and an erasure (nothing keyed by the address outlives the account).
    public func liftEverything(of user: User) async throws {
        try await lift(.password(email: user.email))
        try await lift(.emailCode(email: user.email))
        try await lift(.secondFactor(userID: user.id))
        try await lift(.emailCode(userID: user.id))
    }

    /// Lifts what a reset link emailed to the account's address may lift: the password lock and
    /// the emailed-code counts of that address and account (the link proved the mailbox, so an
    /// attacker guessing passwords or codes cannot keep the owner out). Never the second-factor
    /// lock: a reset proves the mailbox, not the second factor, and lifting it would let whoever
    /// controls the mailbox go on guessing codes.
    public func liftAfterPasswordReset(for user: User) async throws {
        try await lift(.password(email: user.email))
        try await lift(.emailCode(email: user.email))
        try await lift(.emailCode(userID: user.id))
    }

    func policy(for subject: AttemptSubject) -> LimitPolicy {
        switch subject.kind {
        case .password: settings.passwordFailures
        case .secondFactor: settings.secondFactorFailures
        case .emailCode: settings.emailCodeFailures
        }
    }

    func scope(of subject: AttemptSubject) -> TooManyAttempts.Scope {
        switch subject.kind {
        case .password: .password
        case .secondFactor: .secondFactor
        case .emailCode: .emailCode
        }
    }

    /// Called by the reservation whose failure filled the window.
    func lock(_ subject: AttemptSubject, clientIP: String?) async throws -> TooManyAttempts {
        let now = clock.now
        let until = now.addingTimeInterval(settings.lockoutDuration.timeInterval)
        // Durable first: once this row exists, no Redis trouble can lift the lock.
        let isNew = try await lockouts.lock(subject: subject.digest(crypto), at: now, until: until)
        let key = subject.counterKey(crypto)
        try await unlessUnavailable { try await counter.block(key: key, until: until, now: now) }
        if isNew {
            await observer.lockoutBegan(LockoutEvent(subject: subject, lockedAt: now, lockedUntil: until, clientIP: clientIP))
        }
        return TooManyAttempts(scope(of: subject), retryAfter: settings.lockoutDuration)
    }

    func succeeded(_ subject: AttemptSubject) async throws {
        let key = subject.counterKey(crypto)
        let now = clock.now
        try await unlessUnavailable { try await counter.reset(key: key, now: now) }
    }

    func abandoned(_ subject: AttemptSubject) async throws {
        let key = subject.counterKey(crypto)
        let now = clock.now
        try await unlessUnavailable { try await counter.release(key: key, policy: policy(for: subject), now: now) }
    }
}

extension AttemptSubject.Kind {
    /// The per-IP limit on failures that attempts on this kind of secret also count against.
    var networkAction: RateLimitedAction {
        switch self {
        case .password: .login
        case .secondFactor: .secondFactor
        case .emailCode: .verification
        }
    }
}

/// One reserved attempt: the caller checks the secret, then reports how it went.
public struct AttemptReservation: Sendable {
    let limiter: AttemptLimiter
    public let subject: AttemptSubject
    /// This attempt's number in the current window (1 for the first; 0 when the limit is off).
    public let attempt: Int
    let clientIP: String?
    /// The failure reserved for the address (nil when not reserved from an origin, exempt, or off).
    var networkSlot: NetworkFailureSlot?

    init(limiter: AttemptLimiter, subject: AttemptSubject, attempt: Int, clientIP: String?) {
        self.limiter = limiter
        self.subject = subject
        self.attempt = attempt
        self.clientIP = clientIP
    }

    /// Attempts left in the window after this one failed.
    public var remainingAfterFailure: Int {
        max(0, limiter.policy(for: subject).limit - attempt)
    }

    /// The secret was right: the count starts over, and the address's failure is given back.
    public func succeeded() async throws {
        try await networkSlot?.release()
        guard attempt > 0 else { return }
        try await limiter.succeeded(subject)
    }

    /// Nothing was checked after all (the hasher was full, a store failed): the attempt and the
    /// address's failure are given back.
    public func abandoned() async throws {
        try await networkSlot?.release()
        guard attempt > 0 else { return }
        try await limiter.abandoned(subject)
    }

    /// The secret was wrong. Returns the attempts left; the failure that fills the window locks
    /// the subject and throws `TooManyAttempts` instead.
    @discardableResult
    public func failed() async throws -> Int {
        let policy = limiter.policy(for: subject)
        guard attempt > 0 else { return Int.max }
        if attempt >= policy.limit {
            throw try await limiter.lock(subject, clientIP: clientIP)
        }
        return policy.limit - attempt
    }
}

/// Runs a counter call, turning any failure into `ProtectionUnavailable` (fail closed, 503).
func unlessUnavailable<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw ProtectionUnavailable(error)
    }
}
