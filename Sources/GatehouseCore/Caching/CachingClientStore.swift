import Foundation
import Synchronization

/// A short-lived in-process cache in front of the client store, for the token endpoint's hot
/// path (every grant authenticates its client). Entries live `ttl` (default 5 s), so a secret
/// rotated or a client deleted through another instance or the CLI takes effect everywhere
/// within that time; writes through this store take effect here at once.
public final class CachingClientStore: ClientStore {
    let base: any ClientStore
    let ttl: TimeInterval
    let clock: any Clock
    private let entries = Mutex<[String: (client: Client?, expires: Date)]>([:])

    public init(_ base: any ClientStore, ttl: TimeInterval = 5, clock: any Clock) {
        self.base = base
        self.ttl = ttl
        self.clock = clock
    }

    public func find(id: String) async throws -> Client? {
        let now = clock.now
        if let cached = entries.withLock({ $0[id] }), cached.expires > now {
            return cached.client
        }
        let client = try await base.find(id: id)
        entries.withLock { entries in
            // Unknown ids are cached too (briefly), so a flood of made-up ids costs no queries;
            // the cache is bounded so such a flood cannot grow it without limit.
            if entries.count >= 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[id] = (client, now.addingTimeInterval(ttl))
        }
        return client
    }

    public func create(_ client: Client) async throws {
        try await base.create(client)
        forget(client.id)
    }

    public func list(owners: Set<UUID>?, after cursor: ClientCursor?, limit: Int) async throws -> [Client] {
        try await base.list(owners: owners, after: cursor, limit: limit)
    }

    public func update(_ client: Client) async throws -> Bool {
        defer { forget(client.id) }
        return try await base.update(client)
    }

    public func delete(id: String) async throws -> Bool {
        defer { forget(id) }
        return try await base.delete(id: id)
    }

    private func forget(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
