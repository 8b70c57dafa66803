import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Issue 10's services on PostgreSQL: the checks `OrganizationServiceTests` runs on the twins,
/// each in a database of its own (they count `super_admin`s, whom other tests grant meanwhile).
@Suite("Organization services on PostgreSQL")
struct PostgresOrganizationServiceTests {
    @Test("organization services", arguments: OrganizationServiceChecks.checks)
    func services(_ check: ConformanceCheck<DurableStores>) async throws {
        try await DurableStores.withScratchPostgres { try await check.run($0) }
    }
}
