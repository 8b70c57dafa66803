import Foundation
import GatehouseCore

/// `ConsentStore` in memory, as `PostgresConsentStore` behaves (`ConsentStoreConformance`): one
/// decision per user and client whose scopes only grow, listed with the client's name.
public actor InMemoryConsentStore: ConsentStore {
    struct Key: Hashable { let userID: UUID; let clientID: String }
    struct Decision { var scopes: Set<String>; var grantedAt: Date }

    var decisions: [Key: Decision] = [:]
    let references: References

    public init(users: InMemoryUserStore? = nil, clients: InMemoryClientStore? = nil) {
        references = References(users: users, clients: clients)
    }

    public func grantedScopes(userID: UUID, clientID: String) async throws -> Set<String> {
        await forgetOrphans()
        return decisions[Key(userID: userID, clientID: clientID)]?.scopes ?? []
    }

    public func grant(userID: UUID, clientID: String, scopes: Set<String>, at date: Date) async throws {
        try await references.requireUser(userID)
        try await references.requireClient(clientID)
        let key = Key(userID: userID, clientID: clientID)
        decisions[key] = Decision(scopes: (decisions[key]?.scopes ?? []).union(scopes), grantedAt: date)
    }

    /// Newest decision first; scopes sorted, as the real store keeps them.
    public func list(userID: UUID) async throws -> [ConsentRecord] {
        await forgetOrphans()
        var records: [ConsentRecord] = []
        for (key, decision) in decisions where key.userID == userID {
            let name = try await references.clients?.find(id: key.clientID)?.name ?? key.clientID
            records.append(ConsentRecord(clientID: key.clientID, clientName: name, scopes: decision.scopes.sorted(),
                                         grantedAt: decision.grantedAt))
        }
        return records.sorted { $0.grantedAt > $1.grantedAt }
    }

    public func revoke(userID: UUID, clientID: String) async throws -> Bool {
        await forgetOrphans()
        return decisions.removeValue(forKey: Key(userID: userID, clientID: clientID)) != nil
    }

    func forgetOrphans() async {
        let users = await references.userIDs(), clients = await references.clientIDs()
        decisions = decisions.filter { References.alive(user: $0.key.userID, client: $0.key.clientID, users: users, clients: clients) }
    }
}
