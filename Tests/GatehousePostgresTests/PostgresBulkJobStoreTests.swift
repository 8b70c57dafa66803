import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// `PostgresBulkJobStore` against `BulkJobStoreConformance`, the checks its twin passes too
/// (GatehouseCoreTests/BulkJobConformanceTests). Each check on a database of its own: a claim
/// takes from every job in the database.
@Suite("PostgreSQL bulk job store keeps its contract")
struct PostgresBulkJobStoreTests {
    @Test("bulk job store", arguments: BulkJobStoreConformance.checks)
    func conformance(_ check: ConformanceCheck<BulkJobStores>) async throws {
        try await ScratchDatabase.withEveryMigration(maxConnections: 8) { pool in
            try await check.run(.postgres(pool: pool))
        }
    }
}
