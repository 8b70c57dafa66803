import GatehouseCore
import GatehouseTesting
import Testing

/// Issue 10's services (organizations, members, platform roles, custom roles and permissions,
/// bootstrap) on the in-memory twins: the checks `PostgresOrganizationServiceTests` runs on
/// PostgreSQL.
@Suite("Organization services on the twins")
struct OrganizationServiceTests {
    @Test("organization services", arguments: OrganizationServiceChecks.checks)
    func services(_ check: ConformanceCheck<DurableStores>) async throws {
        try await check.run(.inMemory())
    }
}
