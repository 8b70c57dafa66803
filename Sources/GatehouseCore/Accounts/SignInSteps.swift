import Foundation

/// What a proven password must still pass before a session starts, in the order that matters:
///
/// 1. a verified email (`AccountSettings.requireVerifiedEmail`, when mail can be sent);
/// 2. the second factor the user has, or that a policy requires (the web layer's
///    `SecondFactorGate` decides with the factors and the request);
/// 3. the change of an expired password (`PasswordPolicySettings.maximumAgeDays`).
///
/// The forced change comes last on purpose: it ends in a new password, and a reset token handed
/// out any earlier would be a way around the steps before it (the reset signs the user out
/// everywhere and asks for a fresh sign-in, which meets steps 1 and 2 again). Its token is
/// `PasswordReset.issueForcedChange`, which proves nothing about the mailbox.
public struct SignInSteps: Sendable {
    let accounts: AccountSettings
    let policy: PasswordPolicy
    let mailEnabled: Bool
    let clock: any Clock

    public init(accounts: AccountSettings, policy: PasswordPolicy, mailEnabled: Bool, clock: any Clock) {
        self.accounts = accounts
        self.policy = policy
        self.mailEnabled = mailEnabled
        self.clock = clock
    }

    /// Step 1: the address must be proven first (only where a code can be mailed).
    public func mustVerifyEmail(_ user: User) -> Bool {
        accounts.requireVerifiedEmail && mailEnabled && !user.emailVerified
    }

    /// Step 3, asked only once steps 1 and 2 are done: the password is too old to keep.
    public func mustChangePassword(_ user: User) -> Bool {
        policy.isExpired(changedAt: user.passwordSetAt, now: clock.now)
    }
}
