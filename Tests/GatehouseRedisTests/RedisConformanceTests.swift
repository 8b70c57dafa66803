import GatehouseCore
import GatehouseRedis
import GatehouseTestingStack
import Testing

/// The Redis stores against the ports' conformance suites: the same checks the in-memory twins
/// pass (GatehouseCoreTests/InMemoryConformanceTests), so a twin behaves as the real store.
@Suite("Redis stores keep the ports' contracts")
struct RedisConformanceTests {
    @Test("short-lived stores", arguments: EphemeralStoresConformance.checks)
    func ephemeral(_ check: ConformanceCheck<EphemeralStores>) async throws {
        try await check.run(.redis(pool: try TestServices.redis()))
    }
}
