public import GatehouseCore

/// What the self-service pages need beyond the protocol core: settings, the emailed-challenge
/// and reset-link stores, and the password policy with its history.
public struct AccountDependencies: Sendable {
    public var settings: AccountSettings
    public var verifications: any VerificationStore
    public var passwordResets: any PasswordResetStore
    public var passwordHistory: any PasswordHistoryStore
    public var passwordPolicy: PasswordPolicy

    public init(settings: AccountSettings, verifications: any VerificationStore, passwordResets: any PasswordResetStore,
                passwordHistory: any PasswordHistoryStore, passwordPolicy: PasswordPolicy) {
        self.settings = settings
        self.verifications = verifications
        self.passwordResets = passwordResets
        self.passwordHistory = passwordHistory
        self.passwordPolicy = passwordPolicy
    }
}
