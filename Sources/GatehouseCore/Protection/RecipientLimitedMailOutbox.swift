import Foundation

/// The outbox every page sends through: mail that anyone can cause by typing an address
/// (`enqueueLimitedPerRecipient`: verification codes, reset links, "you already have an
/// account") goes out at most `ProtectionSettings.mailPerRecipient` times per recipient per
/// window, counted in the shared Redis counters under a digest of the normalized address; past
/// the limit it is dropped silently, so the page answers the same and says nothing about the
/// address. Other mail (notices about the account's own events, sign-in codes after a right
/// password) passes unchanged. Without the counters the mail is refused (`ProtectionUnavailable`,
/// 503), never sent uncounted.
public struct RecipientLimitedMailOutbox: MailOutbox {
    public let base: any MailOutbox
    let counter: any AttemptCounter
    let policy: LimitPolicy
    let crypto: any CryptoPrimitives
    let clock: any Clock
    /// Told of each mail dropped (for the log); never given the address.
    let dropped: @Sendable () -> Void

    public init(base: any MailOutbox, counter: any AttemptCounter, policy: LimitPolicy, crypto: any CryptoPrimitives,
                clock: any Clock, dropped: @escaping @Sendable () -> Void = {}) {
        self.base = base
        self.counter = counter
        self.policy = policy
        self.crypto = crypto
        self.clock = clock
        self.dropped = dropped
    }

    public var isEnabled: Bool { base.isEnabled }

    public func enqueue(_ mail: OutgoingMail) async throws {
        try await base.enqueue(mail)
    }

    public func enqueueLimitedPerRecipient(_ mail: OutgoingMail) async throws {
        guard policy.isEnabled, base.isEnabled else { return try await base.enqueue(mail) }
        let key = "mail:" + crypto.sha256(User.normalizedEmail(mail.to)).map { String(format: "%02x", $0) }.joined()
        let now = clock.now
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { return dropped() }
        try await base.enqueue(mail)
    }
}
