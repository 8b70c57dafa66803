/// The brute-force and abuse limits, each a setting (`GATEHOUSE_LOCKOUT_*`, `GATEHOUSE_RATE_LIMIT_*`,
/// `GATEHOUSE_PENDING_AUTHORIZATIONS_*`).
///
/// Three kinds (DESIGN.md, "Limits that a shared network survives"): per-account limits guard a
/// secret (a password, a second factor) wherever the guesses come from and end in a lockout;
/// per-IP limits on *failures* slow one address down across accounts (credential stuffing) and
/// never count a success, so a crowd behind one NAT signing in correctly is never refused; and
/// limits on *work that costs* (argon2 outside sign-in, mail to a typed address, stored pending
/// requests) are counted per address and per account before the work is done.
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
    /// Requests that run argon2 outside sign-in (a password checked or changed on the account
    /// page, a password reset, a registration), per account: 10 in 15 minutes.
    public var passwordWorkPerAccount = LimitPolicy(limit: 10, window: .seconds(15 * 60))
    /// Mails anyone can cause by typing an address (verification codes, reset links, "you
    /// already have an account"), per recipient: 5 an hour; beyond, they are dropped silently.
    public var mailPerRecipient = LimitPolicy(limit: 5, window: .seconds(60 * 60))
    /// Bytes of pending authorization requests one address may keep stored at once (a finished
    /// or abandoned one stops counting when it is deleted or expires): 4 MiB, about 4,000 typical
    /// sign-ins in progress; 0 switches it off.
    public var pendingAuthorizationBytesPerAddress = 4 << 20
    /// Bytes of pending authorization requests stored at once, all addresses together; past it
    /// `/authorize` answers 503 rather than let Redis fill up: 128 MiB. 0 switches it off.
    public var pendingAuthorizationBytesTotal = 128 << 20

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
        settings.passwordWorkPerAccount.limit = 0
        settings.mailPerRecipient.limit = 0
        settings.pendingAuthorizationBytesPerAddress = 0
        settings.pendingAuthorizationBytesTotal = 0
        return settings
    }
}

/// The limits counted per client IP address (IPv6 per /64). Sign-in and second factors count
/// only failures (an attempt is reserved before the check and given back when it succeeds);
/// client authentication counts only failures too, and refuses only failing attempts; the
/// others count every request, because each costs work or sends mail.
public enum RateLimitedAction: String, Sendable, CaseIterable, Hashable {
    /// Failed password sign-ins (`POST /login`); once over, the address is refused until the window ends.
    case login
    /// Failed second-factor codes (TOTP, email code, recovery code).
    case secondFactor = "mfa"
    /// Registrations (`POST /register`).
    case registration
    /// Password-reset requests (`POST /forgot-password`), each of which sends mail.
    case passwordReset = "password-reset"
    /// Email-verification codes typed (`POST /verify-email`).
    case verification
    /// New verification codes asked for (`POST /verify-email/resend`), each of which sends mail.
    case verificationResend = "verification-resend"
    /// Failed client authentications at `/token`, `/revoke` and `/introspect`.
    case clientAuthentication = "client-auth"
    /// Requests that run argon2 outside sign-in: account actions that ask for the password,
    /// `POST /reset-password`, `POST /register`.
    case passwordWork = "password-work"

    public static let defaults: [RateLimitedAction: LimitPolicy] = [
        .login: LimitPolicy(limit: 100, window: .seconds(5 * 60)),
        .secondFactor: LimitPolicy(limit: 30, window: .seconds(5 * 60)),
        .registration: LimitPolicy(limit: 10, window: .seconds(60 * 60)),
        .passwordReset: LimitPolicy(limit: 10, window: .seconds(60 * 60)),
        .verification: LimitPolicy(limit: 30, window: .seconds(15 * 60)),
        .verificationResend: LimitPolicy(limit: 10, window: .seconds(15 * 60)),
        .clientAuthentication: LimitPolicy(limit: 20, window: .seconds(5 * 60)),
        .passwordWork: LimitPolicy(limit: 60, window: .seconds(5 * 60)),
    ]
}
