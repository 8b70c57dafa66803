import GatehouseCore
import GatehouseTesting
import Testing

/// The in-memory twins against the ports' conformance suites: the checks the PostgreSQL and
/// Redis stores pass (PostgresConformanceTests, RedisConformanceTests), so tests built on the
/// twins meet the behaviour of the real stores.
@Suite("In-memory twins keep the ports' contracts")
struct InMemoryConformanceTests {
    @Test("durable stores", arguments: DurableStoresConformance.checks)
    func durable(_ check: ConformanceCheck<DurableStores>) async throws {
        try await check.run(.inMemory())
    }

    @Test("whole-store session checks", arguments: SessionStoreConformance.wholeStoreChecks)
    func sessionsAlone(_ check: ConformanceCheck<DurableStores>) async throws {
        try await check.run(.inMemory())
    }

    @Test("organization stores", arguments: OrganizationStoresConformance.checks)
    func organizations(_ check: ConformanceCheck<DurableStores>) async throws {
        try await check.run(.inMemory())
    }

    @Test("user lifecycle store", arguments: UserLifecycleStoreConformance.checks)
    func lifecycle(_ check: ConformanceCheck<DurableStores>) async throws {
        try await check.run(.inMemory())
    }

    @Test("short-lived stores", arguments: EphemeralStoresConformance.checks)
    func ephemeral(_ check: ConformanceCheck<EphemeralStores>) async throws {
        try await check.run(.inMemory())
    }

    @Test("live event bus", arguments: LiveEventBusConformance.checks)
    func liveEvents(_ check: ConformanceCheck<any LiveEventBus>) async throws {
        try await check.run(InMemoryLiveEventBus())
    }

    @Test("audit trail search", arguments: AuditTrailConformance.checks)
    func auditTrail(_ check: ConformanceCheck<AuditTrailStores>) async throws {
        try await check.run(.inMemory())
    }

    @Test("mail outbox", arguments: MailOutboxConformance.checks)
    func outbox(_ check: ConformanceCheck<MailStores>) async throws {
        try await check.run(.inMemory())
    }
}
