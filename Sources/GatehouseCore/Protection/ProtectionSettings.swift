/// The brute-force limits, each a setting (`GATEHOUSE_LOCKOUT_*`, `GATEHOUSE_RATE_LIMIT_*`).
///
/// Two kinds: per-account limits guard a secret (a password, a second factor) wherever the
/// guesses come from and end in a lockout; per-IP limits slow one address down across accounts
/// (credential stuffing, mail bombing, registration spam) and answer 429.
public struct ProtectionSettings: Sendable, Equatable {
    /// Failed passwords per account (per normalized email) before it locks: 5 in 15 minutes.
    public var passwordFailures = LimitPolicy(limit: 5, window: .seconds(15 * 60))
    /// Failed second factors (TOTP, email codes, recovery codes together) per user: 5 in 15 minutes.
    public var secondFactorFailures = LimitPolicy(limit: 5, window: .seconds(15 * 60))
    /// Wrong emailed codes that prove an address (account verification, change of email) per
    /// address and per account, across tickets and resends: 5 in 15 minutes. Each ticket also
    /// allows at most `AccountSettings.verificationMaxAttempts` tries of its own.
    public var emailCodeFailures = LimitPolicy(limit: 5, window: .seconds(15 * 60))
    /// How long a lockout lasts (a completed password reset lifts it sooner).
    public var lockoutDuration: Duration = .seconds(15 * 60)
    /// Per-IP limits by action; a limit of 0 switches one off.
    public var perIP: [RateLimitedAction: LimitPolicy] = RateLimitedAction.defaults

    public init() {}

    public func policy(for action: RateLimitedAction) -> LimitPolicy {
        perIP[action] ?? LimitPolicy(limit: 0, window: .seconds(1))
    }

    /// Every limit off: for tools and tests that are not about limits.
    public static var unlimited: ProtectionSettings {
        var settings = ProtectionSettings()
        settings.passwordFailures.limit = 0
        settings.secondFactorFailures.limit = 0
        settings.emailCodeFailures.limit = 0
        for action in RateLimitedAction.allCases { settings.perIP[action]?.limit = 0 }
        return settings
    }
}

/// The requests limited per client IP address. Each counts every request except
/// `clientAuthentication`, which counts only failures: successful grants are never limited.
public enum RateLimitedAction: String, Sendable, CaseIterable, Hashable {
    /// Password sign-in attempts (`POST /login`).
    case login
    /// Second-factor codes typed (TOTP, email code, recovery code).
    case secondFactor = "mfa"
    /// Registrations (`POST /register`).
    case registration
    /// Password-reset requests (`POST /forgot-password`), each of which sends mail.
    case passwordReset = "password-reset"
    /// Email-verification codes typed (`POST /verify-email`).
    case verification
    /// New verification codes asked for (`POST /verify-email/resend`), each of which sends mail.
    case verificationResend = "verification-resend"
    /// Failed client authentications at `/token`.
    case clientAuthentication = "client-auth"

    public static let defaults: [RateLimitedAction: LimitPolicy] = [
        .login: LimitPolicy(limit: 30, window: .seconds(5 * 60)),
        .secondFactor: LimitPolicy(limit: 30, window: .seconds(5 * 60)),
        .registration: LimitPolicy(limit: 10, window: .seconds(60 * 60)),
        .passwordReset: LimitPolicy(limit: 10, window: .seconds(60 * 60)),
        .verification: LimitPolicy(limit: 30, window: .seconds(15 * 60)),
        .verificationResend: LimitPolicy(limit: 10, window: .seconds(15 * 60)),
        .clientAuthentication: LimitPolicy(limit: 20, window: .seconds(5 * 60)),
    ]
}
