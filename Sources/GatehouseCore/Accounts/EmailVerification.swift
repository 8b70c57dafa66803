import Foundation

/// Issues and checks emailed verification challenges: a 6-digit code and a link, both stored
/// hashed, valid 15 minutes, at most 5 wrong tries per challenge, resends throttled. Emailed
/// second-factor codes (`.signInCode`) are the same challenge with a 10-minute life and no link.
///
/// A code that proves an address (`.accountEmail`, `.emailChange`) also reserves an attempt
/// per address and per account (`AttemptSubject.emailCode`) before it is compared: a fresh
/// ticket (a resend, a new sign-in, a new registration) brings fresh tries of its own, but never
/// a fresh budget, and the failure that fills the window locks codes for that address and
/// account (`TooManyAttempts`, scope `.emailCode`). Sign-in codes are second factors: their
/// callers reserve `.secondFactor(userID:)` (`SecondFactorVerifier`), so they are not counted
/// twice here.
public struct EmailVerification: Sendable {
    let store: any VerificationStore
    let crypto: any CryptoPrimitives
    let settings: AccountSettings
    let clock: any Clock
    let attempts: AttemptLimiter

    public init(store: any VerificationStore, crypto: any CryptoPrimitives, settings: AccountSettings, clock: any Clock,
                attempts: AttemptLimiter) {
        self.store = store
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
        self.attempts = attempts
    }

    /// What goes into the email; only digests are kept.
    public struct Issued: Sendable {
        public let ticket: String
        public let code: String
        public let linkToken: String
    }

    public enum Outcome: Sendable, Equatable {
        case verified(VerificationChallenge)
        case wrongCode(remainingAttempts: Int)
        case tooManyAttempts
        case expired
    }

    public func issue(purpose: VerificationChallenge.Purpose, userID: UUID?, email: String,
                      pendingAuthorizationID: String?) async throws -> Issued {
        let ticket = crypto.randomToken()
        let code = sixDigitCode()
        let linkToken = crypto.randomToken()
        let challenge = VerificationChallenge(
            purpose: purpose, userID: userID, email: email, codeDigest: digest(code, ticket: ticket),
            linkDigest: crypto.tokenDigest(linkToken), pendingAuthorizationID: pendingAuthorizationID, createdAt: clock.now)
        try await store.save(challenge, ticket: ticket, ttl: settings.codeLifetime(for: purpose))
        return Issued(ticket: ticket, code: code, linkToken: linkToken)
    }

    /// A new code and link for the same challenge, at most once per resend interval.
    public func reissue(ticket: String) async throws -> (VerificationChallenge, Issued)? {
        guard var challenge = try await liveChallenge(ticket: ticket),
              try await store.allowOnce(key: "resend:" + ticket, per: settings.verificationResendInterval) else { return nil }
        let code = sixDigitCode()
        let linkToken = crypto.randomToken()
        challenge.codeDigest = digest(code, ticket: ticket)
        challenge.linkDigest = crypto.tokenDigest(linkToken)
        challenge.createdAt = clock.now
        try await store.save(challenge, ticket: ticket, ttl: settings.codeLifetime(for: challenge.purpose))
        return (challenge, Issued(ticket: ticket, code: code, linkToken: linkToken))
    }

    public func challenge(ticket: String) async throws -> VerificationChallenge? {
        try await liveChallenge(ticket: ticket)
    }

    /// The challenge under `ticket` while it lives. The store's TTL ends it, and so does the
    /// clock: its lifetime counted from `createdAt`, so expiry follows this deployment's time
    /// rather than Redis's alone (and a test moves the clock instead of waiting).
    func liveChallenge(ticket: String) async throws -> VerificationChallenge? {
        guard let challenge = try await store.challenge(ticket: ticket),
              clock.now < challenge.createdAt.addingTimeInterval(settings.codeLifetime(for: challenge.purpose).timeInterval)
        else { return nil }
        return challenge
    }

    /// Checks a typed code. Every try counts before the comparison, so parallel guesses
    /// cannot exceed the limit; a challenge with no account never matches. Throws
    /// `TooManyAttempts` when the address or account is locked, or this failure locked it.
    public func verify(ticket: String, code: String, clientIP: String?) async throws -> Outcome {
        guard let challenge = try await liveChallenge(ticket: ticket) else { return .expired }
        let reservations = try await reserve(for: challenge, clientIP: clientIP)
        let attempts = try await store.recordAttempt(ticket: ticket, ttl: settings.codeLifetime(for: challenge.purpose))
        guard attempts <= settings.verificationMaxAttempts else {
            try await store.delete(ticket: ticket)
            try await Self.failed(reservations)
            return .tooManyAttempts
        }
        let typed = code.filter { !$0.isWhitespace }
        guard challenge.userID != nil, ConstantTime.equals(digest(typed, ticket: ticket), challenge.codeDigest) else {
            let usedUp = attempts == settings.verificationMaxAttempts
            if usedUp { try await store.delete(ticket: ticket) }
            // Throws when this failure fills the address's or the account's window.
            let budget = try await Self.failed(reservations)
            return usedUp ? .tooManyAttempts : .wrongCode(remainingAttempts: min(settings.verificationMaxAttempts - attempts, budget))
        }
        try await store.delete(ticket: ticket)
        for reservation in reservations { try await reservation.succeeded() }
        return .verified(challenge)
    }

    /// The per-address and per-account attempts a code for `challenge` must reserve first. The
    /// address is counted whether or not it has an account (a registration that named a taken
    /// address gets a challenge no code matches), so a lock says nothing about who has one.
    func reserve(for challenge: VerificationChallenge, clientIP: String?) async throws -> [AttemptReservation] {
        guard challenge.purpose != .signInCode else { return [] }
        var reservations = [try await attempts.reserve(.emailCode(email: challenge.email), clientIP: clientIP)]
        if let userID = challenge.userID {
            reservations.append(try await attempts.reserve(.emailCode(userID: userID), clientIP: clientIP))
        }
        return reservations
    }

    /// Reports a wrong code to every reservation, then throws the first lock it met; else the
    /// fewest attempts any of them has left.
    @discardableResult
    static func failed(_ reservations: [AttemptReservation]) async throws -> Int {
        var refusal: (any Error)?
        var left = Int.max
        for reservation in reservations {
            do {
                left = min(left, try await reservation.failed())
            } catch {
                refusal = refusal ?? error
            }
        }
        if let refusal { throw refusal }
        return left
    }

    /// Checks the emailed link.
    public func verifyLink(ticket: String, token: String) async throws -> Outcome {
        guard let challenge = try await liveChallenge(ticket: ticket), challenge.purpose != .signInCode else { return .expired }
        guard challenge.userID != nil, ConstantTime.equals(crypto.tokenDigest(token), challenge.linkDigest) else {
            _ = try await store.recordAttempt(ticket: ticket, ttl: settings.verificationCodeLifetime)
            return .wrongCode(remainingAttempts: 0)
        }
        try await store.delete(ticket: ticket)
        return .verified(challenge)
    }

    /// Uniform over 000000–999999 (rejection sampling: no modulo bias).
    func sixDigitCode() -> String {
        while true {
            let bytes = crypto.randomBytes(4)
            let value = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if value < 4_294_000_000 { return String(format: "%06u", value % 1_000_000) }
        }
    }

    /// The code is bound to its ticket so a digest table of 10^6 codes is useless.
    func digest(_ code: String, ticket: String) -> [UInt8] {
        crypto.sha256(ticket + ":" + code)
    }
}
