import Foundation
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
        // A pool of its own: the shared one queues every web test's commands, and a check that
        // watches a key expire must read it well within its time to live.
        try await RedisTestSupport.withPool(maxConnections: 4) { pool in try await check.run(.redis(pool: pool)) }
    }

    @Test("live event bus", arguments: LiveEventBusConformance.checks)
    func liveEvents(_ check: ConformanceCheck<any LiveEventBus>) async throws {
        // A stream of its own per check.
        try await check.run(RedisLiveEventBus(pool: try TestServices.redis(), key: "gh-test:events:\(UUID().uuidString)"))
    }
}
