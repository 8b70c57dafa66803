import GatehouseCore

/// The account page's "Two-step verification" section for a user: which factors are on, what the
/// forms ask for, and how many recovery codes are left. Read by the account page (`AccountPage`),
/// shown by both the accounts and the second-factor modules.
struct TwoStepSummary: Sendable {
    let credentials: any MFACredentialStore
    let recoveryCodes: RecoveryCodes
    let mailEnabled: Bool
    /// `GATEHOUSE_MFA_REQUIRED`: the last factor cannot be turned off.
    let required: Bool

    func section(for user: User) async throws -> TwoStepSection {
        let factors = try await credentials.confirmedKinds(userID: user.id)
        let left = try await recoveryCodes.remaining(userID: user.id)
        return TwoStepSection(totpEnabled: factors.contains(.totp), emailEnabled: factors.contains(.email),
                              codeLabel: factors.contains(.totp) ? "Code from your authenticator app, or a recovery code"
                                  : "Code from the email, or a recovery code",
                              emailCodeAction: factors == [.email] && mailEnabled ? "/account/mfa/email-code" : nil,
                              emailAvailable: mailEnabled && user.emailVerified, anyFactor: !factors.isEmpty,
                              recoveryCodesLeft: left == 0 ? "No unused recovery codes left: make new ones below."
                                  : left == 1 ? "1 unused recovery code left." : "\(left) unused recovery codes left.",
                              required: required)
    }
}
