import GatehouseCore
import GatehouseCrypto
import GatehousePostgres

extension AuditTrailStores {
    /// The real trail in the shared test database, appended under `TestProvider.auditKey` so the
    /// chain `./dev test` verifies at its end stays whole.
    public static func postgres(pool: PostgresPool) -> AuditTrailStores {
        AuditTrailStores(log: PostgresAuditLog(pool: pool, key: TestProvider.auditKey, crypto: OpenSSLCrypto(), logger: TestServices.logger),
                         reader: PostgresAdministrationReader(pool: pool))
    }
}
