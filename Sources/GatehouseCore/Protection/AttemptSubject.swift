import Foundation

/// What a per-account limit counts against: the password of a (normalized) email, the
/// second factors of a user, or the emailed codes that prove an address (per address being
/// proven and per account asking).
///
/// Passwords are counted per email, not per user id, so an email with no account is counted,
/// locked and answered exactly like a real one: the lockout says nothing about who has an account.
/// Counters and lock rows carry a digest of the subject, never the email in clear.
public struct AttemptSubject: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case password
        case secondFactor = "second-factor"
        /// Wrong codes typed to prove an email address (verifying an account's address or
        /// moving to a new one), across every ticket and resend.
        case emailCode = "email-code"
    }

    public let kind: Kind
    /// The normalized email (`password`), the lower-case user id (`secondFactor`), or either
    /// with a prefix (`emailCode`: `email:` or `user:`).
    let identity: String

    /// Failed passwords for an email, normalized as `UserStore` stores it.
    public static func password(email: String) -> AttemptSubject {
        AttemptSubject(kind: .password, identity: User.normalizedEmail(email))
    }

    /// Failed second factors (TOTP, email codes, recovery codes share one count) for a user.
    public static func secondFactor(userID: UUID) -> AttemptSubject {
        AttemptSubject(kind: .secondFactor, identity: userID.uuidString.lowercased())
    }

    /// Wrong address-proving codes for an email address, whoever asked for them: many accounts
    /// (or a new registration each time) cannot add up more guesses at one address.
    public static func emailCode(email: String) -> AttemptSubject {
        AttemptSubject(kind: .emailCode, identity: "email:" + User.normalizedEmail(email))
    }

    /// Wrong address-proving codes typed for one account, whichever address it is proving: new
    /// tickets, resends and new sign-ins share this count.
    public static func emailCode(userID: UUID) -> AttemptSubject {
        AttemptSubject(kind: .emailCode, identity: "user:" + userID.uuidString.lowercased())
    }

    /// The email of a `password` subject or of an `emailCode` subject kept per address.
    public var email: String? {
        switch kind {
        case .password: identity
        case .secondFactor: nil
        case .emailCode: identity.hasPrefix("email:") ? String(identity.dropFirst(6)) : nil
        }
    }

    /// The user of a `secondFactor` subject or of an `emailCode` subject kept per account.
    public var userID: UUID? {
        switch kind {
        case .password: nil
        case .secondFactor: UUID(uuidString: identity)
        case .emailCode: identity.hasPrefix("user:") ? UUID(uuidString: String(identity.dropFirst(5))) : nil
        }
    }

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
