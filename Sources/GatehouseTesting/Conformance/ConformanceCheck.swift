import Testing

/// One rule of a port's contract, checked against whatever implements it: the same checks run
/// against the in-memory twins (GatehouseCoreTests) and the PostgreSQL and Redis stores
/// (GatehousePostgresTests, GatehouseRedisTests), as dex runs `storage/conformance` against
/// every backend. A test target runs a suite as one parameterized test, each check a case:
///
/// ```swift
/// @Test("PostgreSQL keeps the durable ports' contracts", arguments: DurableStoresConformance.checks)
/// func conformance(_ check: ConformanceCheck<DurableStores>) async throws {
///     try await check.run(.postgres(pool: try TestServices.postgres()))
/// }
/// ```
///
/// A check gets fresh stores of its own (a new twin, or new rows in a shared database under new
/// ids), so checks run in parallel. It states the rule in its name and fails through `#expect`.
public struct ConformanceCheck<Stores: Sendable>: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (Stores) async throws -> Void

    public init(_ name: String, _ body: @escaping @Sendable (Stores) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run(_ stores: Stores) async throws {
        try await body(stores)
    }

    public var testDescription: String { name }
}
