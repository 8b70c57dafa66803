import Foundation
import GatehouseCore
import GatehouseTesting
import Synchronization
import Testing

@Suite("The client cache in front of the token endpoint")
struct CachingClientStoreTests {
    final class CountingStore: ClientStore {
        let lookups = Mutex(0)
        let stored = Mutex<[String: Client]>([:])
        func create(_ client: Client) async throws { stored.withLock { $0[client.id] = client } }
        func find(id: String) async throws -> Client? {
            lookups.withLock { $0 += 1 }
            return stored.withLock { $0[id] }
        }
        func list(owners: Set<UUID>?, after cursor: ClientCursor?, limit: Int) async throws -> [Client] { stored.withLock { Array($0.values) } }
        func update(_ client: Client) async throws -> Bool { stored.withLock { $0[client.id] = client }; return true }
        func delete(id: String) async throws -> Bool { stored.withLock { $0.removeValue(forKey: id) } != nil }
    }

    let client = Client(id: "c", secretDigest: [1], name: "C", redirectURIs: [], grantTypes: [.clientCredentials],
                        allowedScopes: [], createdAt: Date())

    @Test("repeated lookups within the TTL hit the store once; after it, again")
    func caches() async throws {
        let base = CountingStore()
        let clock = TestClock()
        let cache = CachingClientStore(base, ttl: 5, clock: clock)
        try await base.create(client)
        for _ in 0..<10 { _ = try await cache.find(id: "c") }
        #expect(base.lookups.withLock { $0 } == 1)
        clock.advance(by: 6)
        _ = try await cache.find(id: "c")
        #expect(base.lookups.withLock { $0 } == 2)
    }

    @Test("writes through the cache take effect at once")
    func writesInvalidate() async throws {
        let base = CountingStore()
        let cache = CachingClientStore(base, ttl: 60, clock: TestClock())
        try await cache.create(client)
        #expect(try await cache.find(id: "c")?.name == "C")
        var renamed = client
        renamed.name = "D"
        _ = try await cache.update(renamed)
        #expect(try await cache.find(id: "c")?.name == "D")
        _ = try await cache.delete(id: "c")
        #expect(try await cache.find(id: "c") == nil)
    }
}
