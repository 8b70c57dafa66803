import Foundation

/// Emailed verification challenges (Redis, with TTLs).
public protocol VerificationStore: Sendable {
    func save(_ challenge: VerificationChallenge, ticket: String, ttl: Duration) async throws
    func challenge(ticket: String) async throws -> VerificationChallenge?
    /// Counts one attempt at the ticket atomically and returns the count so far. The count
    /// lives beside the challenge, not in it: a ticket whose challenge is gone is counted too,
    /// so callers look the challenge up first.
    func recordAttempt(ticket: String, ttl: Duration) async throws -> Int
    func delete(ticket: String) async throws
    /// True at most once per `interval` for `key` (resend throttling).
    func allowOnce(key: String, per interval: Duration) async throws -> Bool
}

/// Password-reset links (PostgreSQL), stored by digest, single use.
public protocol PasswordResetStore: Sendable {
    /// `provesMailbox`: the link was mailed to the account's address (a forgotten password),
    /// not handed to a browser at sign-in (the forced change of an expired password).
    func create(digest: [UInt8], userID: UUID, provesMailbox: Bool, at: Date, expiresAt: Date) async throws
    /// Marks the link used and returns it, atomically; nil when unknown, used or expired.
    func consume(digest: [UInt8], now: Date) async throws -> PasswordResetLink?
    /// The user of a link that would still work (for showing the form), else nil.
    func userID(digest: [UInt8], now: Date) async throws -> UUID?
}

/// A used reset link: whose password it changes, and whether it came through the mailbox.
public struct PasswordResetLink: Sendable, Equatable {
    public var userID: UUID
    /// True for a link mailed to the account's address: completing it proves control of that
    /// address (the email counts as verified). False for the forced change of an expired
    /// password, which proves only what the sign-in before it proved.
    public var provesMailbox: Bool

    public init(userID: UUID, provesMailbox: Bool) {
        self.userID = userID
        self.provesMailbox = provesMailbox
    }
}

/// A remembered consent with the client's name, for the account page.
public struct ConsentRecord: Sendable, Equatable {
    public var clientID: String
    public var clientName: String
    public var scopes: [String]
    public var grantedAt: Date

    public init(clientID: String, clientName: String, scopes: [String], grantedAt: Date) {
        self.clientID = clientID
        self.clientName = clientName
        self.scopes = scopes
        self.grantedAt = grantedAt
    }
}
