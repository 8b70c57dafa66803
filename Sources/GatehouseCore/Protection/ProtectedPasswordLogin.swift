/// `PasswordLogin` behind the limiters: the attempt is reserved for the address's failures and
/// for the normalized email before argon2 runs, so at most `limit` checks per window reach the
/// hasher however many guesses arrive at once, an unknown email is counted and locked exactly
/// like a real one, and a right password gives the address's failure back (per-IP limits count
/// failures only: a crowd behind one NAT signing in correctly is never refused).
///
/// Throws `TooManyAttempts` when the address used up its failures, the email is locked or this
/// failure locked it, and `ProtectionUnavailable` when the counters cannot be reached.
public struct ProtectedPasswordLogin: Sendable {
    let login: PasswordLogin
    let attempts: AttemptLimiter

    public init(login: PasswordLogin, attempts: AttemptLimiter) {
        self.login = login
        self.attempts = attempts
    }

    public func authenticate(email: String, password: String, from origin: ClientOrigin) async throws -> PasswordLogin.Outcome {
        // Under a flood the pool is full: answer 503 before spending counters and queries on an
        // attempt it could not check. Nothing is counted, nothing checked.
        if login.hasher.isSaturated { throw PasswordHasherError.overloaded }
        let attempt = try await attempts.reserve(.password(email: email), from: origin)
        let outcome: PasswordLogin.Outcome
        do {
            outcome = try await login.authenticate(email: email, password: password)
        } catch {
            // Nothing was decided (the pool filled up meanwhile, a store failed): not a failure.
            try? await attempt.abandoned()
            throw error
        }
        switch outcome {
        case .success, .notActive:
            // The right password: not a guess, whatever the account's status.
            try await attempt.succeeded()
        case .invalidCredentials:
            try await attempt.failed()
        }
        return outcome
    }
}
