import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// `PostgresAPIKeyStore` against `APIKeyStoreConformance`, the checks its twin passes too
/// (GatehouseCoreTests/APIKeyConformanceTests).
@Suite("PostgreSQL API key store keeps its contract")
struct PostgresAPIKeyStoreTests {
    @Test("api key store", arguments: APIKeyStoreConformance.checks)
    func conformance(_ check: ConformanceCheck<APIKeyStores>) async throws {
        try await check.run(.postgres(pool: try TestServices.postgres()))
    }
}
