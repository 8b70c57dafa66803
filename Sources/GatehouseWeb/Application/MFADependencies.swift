import Foundation
public import GatehouseCore

/// What the second-factor pages need: settings, the credential and recovery-code stores
/// (PostgreSQL), the pending sign-ins (Redis), and the sealer that encrypts TOTP secrets under
/// the deployment's key. Wrong codes are limited by the `AttemptLimiter` built from `ProtectionDependencies`.
public struct MFADependencies: Sendable {
    public var settings: MFASettings
    public var credentials: any MFACredentialStore
    public var recoveryCodes: any RecoveryCodeStore
    public var pendingSignIns: any PendingSignInStore
    public var sealer: any SecretSealer

    public init(settings: MFASettings, credentials: any MFACredentialStore, recoveryCodes: any RecoveryCodeStore,
                pendingSignIns: any PendingSignInStore, sealer: any SecretSealer) {
        self.settings = settings
        self.credentials = credentials
        self.recoveryCodes = recoveryCodes
        self.pendingSignIns = pendingSignIns
        self.sealer = sealer
    }
}
