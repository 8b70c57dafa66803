import Foundation

/// Account lockouts, durable (PostgreSQL): a lock recorded here outlives a Redis restart, so
/// flushing the short-lived counters can never lift it. Subjects are digests of the limiter key
/// (`AttemptSubject.digest`), never an email in clear: unknown emails are locked exactly like
/// real accounts, and the table would otherwise collect every address an attacker typed.
public protocol LockoutStore: Sendable {
    /// When the subject's lock ends, or nil when it is not locked at `now`.
    func lockedUntil(subject: [UInt8], now: Date) async throws -> Date?
    /// Locks the subject until `until`. True when this started a new lockout; false when a lock
    /// was already in force (so the owner is told once per lockout, not once per attempt).
    func lock(subject: [UInt8], at: Date, until: Date) async throws -> Bool
    /// Lifts the subject's lock, if any.
    func lift(subject: [UInt8]) async throws
}
