import GatehouseCore
import GatehouseTesting
import Testing

/// The in-memory bulk job store against the checks `PostgresBulkJobStore` passes.
@Suite("In-memory bulk job store keeps its contract")
struct BulkJobConformanceTests {
    @Test("bulk job store", arguments: BulkJobStoreConformance.checks)
    func conformance(_ check: ConformanceCheck<BulkJobStores>) async throws {
        try await check.run(.inMemory())
    }
}
