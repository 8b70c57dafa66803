import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import GatehouseRedis
import GatehouseWeb

extension Backends {
    var mfaCredentials: PostgresMFACredentialStore { PostgresMFACredentialStore(pool: postgres) }
    var recoveryCodes: PostgresRecoveryCodeStore { PostgresRecoveryCodeStore(pool: postgres) }

    /// The sealer for TOTP secrets under the configured key (or development mode's).
    func secretSealer() throws -> AESGCMSecretSealer {
        guard let key = configuration.encryptionKey() else {
            throw OperatorError("GATEHOUSE_ENCRYPTION_KEY is missing or invalid (32 random bytes in base64)")
        }
        return try AESGCMSecretSealer(key: key)
    }

    /// The second-factor pieces: Postgres credentials and recovery codes, Redis pending sign-ins,
    /// the AES-GCM sealer.
    func mfaDependencies(settings: MFASettings) throws -> MFADependencies {
        guard let redis else { preconditionFailure("Backends opened without Redis") }
        return MFADependencies(settings: settings, credentials: mfaCredentials, recoveryCodes: recoveryCodes,
                               pendingSignIns: RedisPendingSignInStore(pool: redis), sealer: try secretSealer())
    }
}
