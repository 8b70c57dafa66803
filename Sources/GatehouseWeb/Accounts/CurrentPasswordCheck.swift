import GatehouseCore

/// The current password, asked again by the account page before a change (re-authentication),
/// checked under the same per-account limit as sign-in: a stolen session cannot be used to guess
/// it either. Shared by the account actions and the second-factor actions.
struct CurrentPasswordCheck: Sendable {
    let attempts: AttemptLimiter
    let hasher: any PasswordHasher

    func verify(_ password: String?, of user: User) async throws -> Bool {
        guard let password, let hash = user.passwordHash else { return false }
        let attempt = try await attempts.reserve(.password(email: user.email), clientIP: nil)
        guard try await hasher.verify(PasswordPolicy.normalized(password), against: hash) else {
            try await attempt.failed()
            return false
        }
        try await attempt.succeeded()
        return true
    }
}
