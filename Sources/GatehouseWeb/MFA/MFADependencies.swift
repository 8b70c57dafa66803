import Foundation
public import GatehouseCore

/// What the second-factor pages need: settings, the credential and recovery-code stores
/// (PostgreSQL), the pending sign-ins (Redis), and the sealer that encrypts TOTP secrets under
/// the deployment's key. Wrong codes are limited by `ProtectionDependencies` (`attemptLimiter`).
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

extension WebDependencies {
    var totpFactor: TOTPFactor {
        TOTPFactor(credentials: mfa.credentials, sealer: mfa.sealer, crypto: crypto, clock: clock,
                   enrolmentLifetime: mfa.settings.enrolmentLifetime)
    }

    var recoveryCodes: RecoveryCodes {
        RecoveryCodes(store: mfa.recoveryCodes, crypto: crypto, settings: mfa.settings, clock: clock)
    }

    var secondFactorChallenges: SecondFactorChallenges {
        SecondFactorChallenges(store: mfa.pendingSignIns, crypto: crypto, settings: mfa.settings, clock: clock)
    }

    var emailCodes: EmailVerification {
        EmailVerification(store: accounts.verifications, crypto: crypto, settings: accounts.settings, clock: clock,
                          attempts: attemptLimiter)
    }

    var secondFactorVerifier: SecondFactorVerifier {
        SecondFactorVerifier(totp: totpFactor, recoveryCodes: recoveryCodes, emailCodes: emailCodes)
    }

    /// The kinds of confirmed factor the user has (TOTP first).
    func confirmedFactors(userID: UUID) async throws -> [MFACredential.Kind] {
        let kinds = Set(try await mfa.credentials.credentials(userID: userID).filter(\.isConfirmed).map(\.kind))
        return MFACredential.Kind.allCases.filter(kinds.contains)
    }
}
