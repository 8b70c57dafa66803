import GatehousePostgres
import GatehouseRedis
import GatehouseWeb

extension Backends {
    /// Brute-force protection on the real backends: counters in Redis, lockouts in PostgreSQL.
    func protection(_ configuration: ProtectionConfiguration.Loaded) -> ProtectionDependencies {
        guard let redis else { preconditionFailure("Backends opened without Redis") }
        return ProtectionDependencies(settings: configuration.settings, counter: RedisAttemptCounter(pool: redis),
                                      lockouts: PostgresLockoutStore(pool: postgres),
                                      clientAddresses: ClientAddressResolver(trustedProxies: configuration.trustedProxies,
                                                                             exemptNetworks: configuration.exemptNetworks))
    }
}
