public import Foundation

/// Where an outbox row stands. `failed` is final: the sender gave up and recorded why.
public enum MailDeliveryStatus: String, Sendable, Codable {
    case pending
    case sent
    case failed
}

/// One outbox row claimed by a sender for the length of its lease.
///
/// `messageID` was fixed at enqueue, so every attempt (also after a crashed sender's lease ran
/// out) sends the very same message and a receiver can drop a duplicate. `lease` names this
/// claim: a sender may only record a failure under the lease it holds.
public struct QueuedMail: Sendable, Equatable {
    public let id: UUID
    public let messageID: String
    public let mail: OutgoingMail
    public let createdAt: Date
    /// Attempts so far, this one included.
    public let attempts: Int
    public let lease: UUID

    public init(id: UUID, messageID: String, mail: OutgoingMail, createdAt: Date, attempts: Int, lease: UUID) {
        self.id = id
        self.messageID = messageID
        self.mail = mail
        self.createdAt = createdAt
        self.attempts = attempts
        self.lease = lease
    }
}

/// The sender's side of the outbox: claim due rows under a lease, then record each outcome.
///
/// Claims never overlap while a lease runs (several instances share one queue), and a row
/// whose lease ran out without an outcome (its sender crashed) is claimed again: delivery is
/// at least once. The retry schedule belongs to the caller, which passes the next due time.
public protocol MailQueue: Sendable {
    /// Up to `limit` due rows, leased until `now + leaseDuration`; each claim counts an attempt.
    /// Rows whose lease ran out `maxAttempts` times are given up instead of claimed again.
    func claim(limit: Int, leaseDuration: Duration, maxAttempts: Int, now: Date) async throws -> [QueuedMail]
    /// The message left: the row becomes `sent`, whoever holds it now.
    func markSent(_ mail: QueuedMail, at date: Date) async throws
    /// The attempt failed: due again at `retryAt`, or given up (`failed`) when it is nil.
    /// Ignored when the lease has passed to another claim.
    func markFailed(_ mail: QueuedMail, error: String, retryAt: Date?, at date: Date) async throws
}
