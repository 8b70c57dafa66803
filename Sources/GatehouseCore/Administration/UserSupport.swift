import Foundation

/// The console's support actions on one user (issue 11 item 2), each allowed only when
/// `ConsoleUserAccess` lets the administrator act on that user (asked here, so no page or route
/// can skip it) and each audited with the administrator as actor.
public struct UserSupport: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        /// Mail a password reset link to the user's address.
        case sendPasswordReset = "password-reset"
        /// Remove every second factor and recovery code (they sign in with the password and enrol again).
        case resetSecondFactors = "reset-second-factors"
        /// Lift the brute-force locks of their email and account.
        case unlock
        /// End every session and refresh token.
        case signOutEverywhere = "sign-out-everywhere"
    }

    let directory: UserDirectory
    let users: any UserStore
    let credentials: any MFACredentialStore
    let recoveryCodes: any RecoveryCodeStore
    let accountSecurity: AccountSecurity
    let passwordResets: PasswordReset
    let attempts: AttemptLimiter
    let audit: any AuditLog
    let clock: any Clock
    /// Mails a reset link (`token`) to `email`: the web layer's mail composer.
    let mailResetLink: @Sendable (_ email: String, _ token: String) async throws -> Void

    public init(directory: UserDirectory, users: any UserStore, credentials: any MFACredentialStore, recoveryCodes: any RecoveryCodeStore,
                accountSecurity: AccountSecurity, passwordResets: PasswordReset, attempts: AttemptLimiter, audit: any AuditLog,
                clock: any Clock, mailResetLink: @escaping @Sendable (String, String) async throws -> Void) {
        self.directory = directory
        self.users = users
        self.credentials = credentials
        self.recoveryCodes = recoveryCodes
        self.accountSecurity = accountSecurity
        self.passwordResets = passwordResets
        self.attempts = attempts
        self.audit = audit
        self.clock = clock
        self.mailResetLink = mailResetLink
    }

    /// Does `action` to the user `id` for `actor`. Throws `ConsoleUserAccess.Refusal` when the
    /// actor may not act on them (nothing done, nothing audited).
    public func perform(_ action: Action, on id: UUID, by actor: Principal) async throws {
        let user = try await directory.userToActOn(id, by: actor).user
        var type = AuditEventType.adminAction
        switch action {
        case .sendPasswordReset:
            try await mailResetLink(user.email, try await passwordResets.issue(userID: user.id))
        case .resetSecondFactors:
            try await credentials.removeAll(userID: user.id)
            try await recoveryCodes.removeAll(userID: user.id)
            type = .mfaRemoved
        case .unlock:
            try await attempts.liftEverything(of: user)
            type = .accountUnlocked
        case .signOutEverywhere:
            try await accountSecurity.signOutEverywhere(userID: user.id)
            type = .signedOutEverywhere
        }
        await audit.record(AuditEvent(type: type, occurredAt: clock.now, actor: actor.auditActor, subject: user.id,
                                      details: ["action": "console " + action.rawValue]))
    }
}
