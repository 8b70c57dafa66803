/// `PasswordLogin` behind the per-account limiter: the attempt is reserved for the normalized
/// email before argon2 runs, so at most `limit` checks per window reach the hasher however many
/// guesses arrive at once, and an unknown email is counted and locked exactly like a real one.
///
/// Throws `TooManyAttempts` when the email is locked or this failure locked it, and
/// `ProtectionUnavailable` when the counters cannot be reached.
public struct ProtectedPasswordLogin: Sendable {
    let login: PasswordLogin
    let attempts: AttemptLimiter

    public init(login: PasswordLogin, attempts: AttemptLimiter) {
        self.login = login
        self.attempts = attempts
    }

    public func authenticate(email: String, password: String, clientIP: String?) async throws -> PasswordLogin.Outcome {
        // Under a flood the pool is full: answer 503 before spending counters and queries on an
        // attempt it could not check. Nothing is counted, nothing checked.
        if login.hasher.isSaturated { throw PasswordHasherError.overloaded }
        let attempt = try await attempts.reserve(.password(email: email), clientIP: clientIP)
        let outcome = try await login.authenticate(email: email, password: password)
        switch outcome {
        case .success:
            try await attempt.succeeded()
        case .invalidCredentials:
            try await attempt.failed()
        }
        return outcome
    }
}
