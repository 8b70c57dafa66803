import Foundation

/// Issues and checks emailed verification challenges: a 6-digit code and a link, both stored
/// hashed, valid 15 minutes, at most 5 wrong tries per challenge, resends throttled. Emailed
/// second-factor codes (`.signInCode`) are the same challenge with a 10-minute life and no link.
public struct EmailVerification: Sendable {
    let store: any VerificationStore
    let crypto: any CryptoPrimitives
    let settings: AccountSettings
    let clock: any Clock

    public init(store: any VerificationStore, crypto: any CryptoPrimitives, settings: AccountSettings, clock: any Clock) {
        self.store = store
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
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
        guard var challenge = try await store.challenge(ticket: ticket),
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
        try await store.challenge(ticket: ticket)
    }

    /// Checks a typed code. Every try counts before the comparison, so parallel guesses
    /// cannot exceed the limit; a challenge with no account never matches.
    public func verify(ticket: String, code: String) async throws -> Outcome {
        guard let challenge = try await store.challenge(ticket: ticket) else { return .expired }
        let attempts = try await store.recordAttempt(ticket: ticket, ttl: settings.codeLifetime(for: challenge.purpose))
        guard attempts <= settings.verificationMaxAttempts else {
            try await store.delete(ticket: ticket)
            return .tooManyAttempts
        }
        let typed = code.filter { !$0.isWhitespace }
        guard challenge.userID != nil, ConstantTime.equals(digest(typed, ticket: ticket), challenge.codeDigest) else {
            if attempts == settings.verificationMaxAttempts {
                try await store.delete(ticket: ticket)
                return .tooManyAttempts
            }
            return .wrongCode(remainingAttempts: settings.verificationMaxAttempts - attempts)
        }
        try await store.delete(ticket: ticket)
        return .verified(challenge)
    }

    /// Checks the emailed link.
    public func verifyLink(ticket: String, token: String) async throws -> Outcome {
        guard let challenge = try await store.challenge(ticket: ticket), challenge.purpose != .signInCode else { return .expired }
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
