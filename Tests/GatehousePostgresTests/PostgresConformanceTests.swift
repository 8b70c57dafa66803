import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// The PostgreSQL stores against the ports' conformance suites: the same checks the in-memory
/// twins pass (GatehouseCoreTests/InMemoryConformanceTests), so a twin behaves as the real store.
@Suite("PostgreSQL stores keep the ports' contracts")
struct PostgresConformanceTests {
    @Test("durable stores", arguments: DurableStoresConformance.checks)
    func durable(_ check: ConformanceCheck<DurableStores>) async throws {
        try await check.run(.postgres(pool: try TestServices.postgres()))
    }

    @Test("whole-store session checks", arguments: SessionStoreConformance.wholeStoreChecks)
    func sessionsAlone(_ check: ConformanceCheck<DurableStores>) async throws {
        try await DurableStores.withScratchPostgres { try await check.run($0) }
    }

    @Test("organization stores", arguments: OrganizationStoresConformance.checks)
    func organizations(_ check: ConformanceCheck<DurableStores>) async throws {
        try await DurableStores.withScratchPostgres { try await check.run($0) }
    }

    @Test("user lifecycle store", arguments: UserLifecycleStoreConformance.checks)
    func lifecycle(_ check: ConformanceCheck<DurableStores>) async throws {
        try await DurableStores.withScratchPostgres { try await check.run($0) }
    }

    @Test("audit trail search", arguments: AuditTrailConformance.checks)
    func auditTrail(_ check: ConformanceCheck<AuditTrailStores>) async throws {
        try await check.run(.postgres(pool: try TestServices.postgres()))
    }

    @Test("mail outbox", arguments: MailOutboxConformance.checks)
    func outbox(_ check: ConformanceCheck<MailStores>) async throws {
        try await MailStores.withPostgres { try await check.run($0) }
    }
}
