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

    /// Oldest first, then by id.
    public func list() async throws -> [Client] {
        clients.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func update(_ client: Client) async throws -> Bool {
        guard clients[client.id] != nil else { return false }
        clients[client.id] = client
        return true
    }

    public func delete(id: String) async throws -> Bool {
        clients.removeValue(forKey: id) != nil
    }

    /// The id of every client, for the twins that refer to clients.
    func ids() -> Set<String> { Set(clients.keys) }
}
