import Foundation
import GatehouseCore

/// `ClientStore` in memory, as `PostgresClientStore` behaves (`ClientStoreConformance`).
/// Deleting a client makes the consents and refresh tokens of one `InMemoryStores` that name it
/// disappear, as `ON DELETE CASCADE` does.
public actor InMemoryClientStore: ClientStore {
    var clients: [String: Client] = [:]

    public init(_ clients: [Client] = []) {
        for client in clients { self.clients[client.id] = client }
    }

    public func create(_ client: Client) async throws {
        guard clients[client.id] == nil else { throw StoreError.conflict("a client with this id exists") }
        clients[client.id] = client
    }

    public func find(id: String) async throws -> Client? { clients[id] }

    /// Newest first, then by id descending; the cursor's place excluded.
    public func list(owners: Set<UUID>?, after cursor: ClientCursor?, limit: Int) async throws -> [Client] {
        let newestFirst = clients.values
            .filter { client in owners.map { owners in client.organizationID.map(owners.contains) ?? false } ?? true }
            .filter { client in cursor.map { (client.createdAt, client.id) < ($0.createdAt, $0.id) } ?? true }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return Array(newestFirst.prefix(max(0, limit)))
    }

    public func update(_ client: Client) async throws -> Bool {
        guard let stored = clients[client.id], stored.revision == client.revision else { return false }
        var next = client
        next.revision += 1
        clients[client.id] = next
        return true
    }

    public func delete(id: String) async throws -> Bool {
        clients.removeValue(forKey: id) != nil
    }

    /// The id of every client, for the twins that refer to clients.
    func ids() -> Set<String> { Set(clients.keys) }
}
