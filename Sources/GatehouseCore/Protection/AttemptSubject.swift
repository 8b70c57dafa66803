import Foundation

/// What a per-account limit counts against: the password of a (normalized) email, or the
/// second factors of a user.
///
/// Passwords are counted per email, not per user id, so an email with no account is counted,
/// locked and answered exactly like a real one: the lockout says nothing about who has an account.
/// Counters and lock rows carry a digest of the subject, never the email in clear.
public struct AttemptSubject: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case password
        case secondFactor = "second-factor"
    }

    public let kind: Kind
    /// The normalized email (`password`) or the lower-case user id (`secondFactor`).
    let identity: String

    /// Failed passwords for an email, normalized as `UserStore` stores it.
    public static func password(email: String) -> AttemptSubject {
        AttemptSubject(kind: .password, identity: User.normalizedEmail(email))
    }

    /// Failed second factors (TOTP, email codes, recovery codes share one count) for a user.
    public static func secondFactor(userID: UUID) -> AttemptSubject {
        AttemptSubject(kind: .secondFactor, identity: userID.uuidString.lowercased())
    }

    /// The email of a `password` subject.
    public var email: String? { kind == .password ? identity : nil }
    /// The user of a `secondFactor` subject.
    public var userID: UUID? { kind == .secondFactor ? UUID(uuidString: identity) : nil }

    /// SHA-256 over kind and identity: the lock row's key and, in hex, the counter's.
    public func digest(_ crypto: any CryptoPrimitives) -> [UInt8] {
        crypto.sha256(kind.rawValue + ":" + identity)
    }

    func counterKey(_ crypto: any CryptoPrimitives) -> String {
        "account:" + digest(crypto).map { String(format: "%02x", $0) }.joined()
    }
}

/// A lockout that has just begun: reported once per lockout (never per attempt) to whoever
/// must hear of it — the owner by email, and the audit trail.
public struct LockoutEvent: Sendable, Equatable {
    public let subject: AttemptSubject
    public let lockedAt: Date
    public let lockedUntil: Date
    /// The address the failure that completed the count came from, when known.
    public let clientIP: String?

    public init(subject: AttemptSubject, lockedAt: Date, lockedUntil: Date, clientIP: String?) {
        self.subject = subject
        self.lockedAt = lockedAt
        self.lockedUntil = lockedUntil
        self.clientIP = clientIP
    }
}

/// Hears of each new lockout. Implementations do their own error handling (log and go on): the
/// lock is already recorded, and the attempt is refused whatever an observer does.
public protocol LockoutObserver: Sendable {
    func lockoutBegan(_ event: LockoutEvent) async
}

/// Several observers as one (owner email, audit trail, …), told in order.
public struct LockoutObservers: LockoutObserver {
    public var observers: [any LockoutObserver]

    public init(_ observers: [any LockoutObserver]) {
        self.observers = observers
    }

    public func lockoutBegan(_ event: LockoutEvent) async {
        for observer in observers { await observer.lockoutBegan(event) }
    }
}
