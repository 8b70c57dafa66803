import GatehouseCore
import GatehouseTesting
import Testing

/// The in-memory API key store against the checks `PostgresAPIKeyStore` passes.
@Suite("In-memory API key store keeps its contract")
struct APIKeyConformanceTests {
    @Test("api key store", arguments: APIKeyStoreConformance.checks)
    func conformance(_ check: ConformanceCheck<APIKeyStores>) async throws {
        try await check.run(.inMemory())
    }
}
