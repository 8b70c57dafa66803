import Foundation
import GatehouseCore
import Testing

/// `ConsentStore`'s contract (Ports/Stores.swift): granted scopes only grow, listed with the
/// client's name, newest first; a decision goes with its user or client.
public enum ConsentStoreConformance {
    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("ConsentStore: grants add to what was granted; the newest grant's time is kept") { stores async throws in
            let user = try await Fixtures.createdUser(stores), client = try await Fixtures.createdClient(stores)
            let first = user.createdAt, second = first.addingTimeInterval(60)
            #expect(try await stores.consents.grantedScopes(userID: user.id, clientID: client.id) == [])
            try await stores.consents.grant(userID: user.id, clientID: client.id, scopes: ["openid", "email"], at: first)
            try await stores.consents.grant(userID: user.id, clientID: client.id, scopes: ["profile", "openid"], at: second)
            #expect(try await stores.consents.grantedScopes(userID: user.id, clientID: client.id) == ["openid", "email", "profile"])
            #expect(try await stores.consents.list(userID: user.id)
                    == [ConsentRecord(clientID: client.id, clientName: client.name, scopes: ["email", "openid", "profile"], grantedAt: second)],
                    "scopes listed sorted, with the client's name")
        },
        ConformanceCheck("ConsentStore: decisions are per user and client; the list is the user's, newest first") { stores async throws in
            let user = try await Fixtures.createdUser(stores), other = try await Fixtures.createdUser(stores)
            let a = try await Fixtures.createdClient(stores), b = try await Fixtures.createdClient(stores)
            let base = user.createdAt
            try await stores.consents.grant(userID: user.id, clientID: a.id, scopes: ["openid"], at: base)
            try await stores.consents.grant(userID: user.id, clientID: b.id, scopes: ["email"], at: base.addingTimeInterval(5))
            try await stores.consents.grant(userID: other.id, clientID: a.id, scopes: ["profile"], at: base)
            #expect(try await stores.consents.grantedScopes(userID: user.id, clientID: a.id) == ["openid"])
            #expect(try await stores.consents.grantedScopes(userID: other.id, clientID: a.id) == ["profile"])
            #expect(try await stores.consents.list(userID: user.id).map(\.clientID) == [b.id, a.id])
        },
        ConformanceCheck("ConsentStore: revoking forgets the decision once") { stores async throws in
            let user = try await Fixtures.createdUser(stores), client = try await Fixtures.createdClient(stores)
            try await stores.consents.grant(userID: user.id, clientID: client.id, scopes: ["openid"], at: user.createdAt)
            #expect(try await stores.consents.revoke(userID: user.id, clientID: client.id))
            #expect(try await stores.consents.grantedScopes(userID: user.id, clientID: client.id) == [])
            #expect(try await stores.consents.list(userID: user.id) == [])
            #expect(try await stores.consents.revoke(userID: user.id, clientID: client.id) == false)
        },
        ConformanceCheck("ConsentStore: a decision goes with its client and with its user") { stores async throws in
            let user = try await Fixtures.createdUser(stores), client = try await Fixtures.createdClient(stores)
            let other = try await Fixtures.createdClient(stores)
            try await stores.consents.grant(userID: user.id, clientID: client.id, scopes: ["openid"], at: user.createdAt)
            try await stores.consents.grant(userID: user.id, clientID: other.id, scopes: ["openid"], at: user.createdAt)
            #expect(try await stores.clients.delete(id: client.id))
            #expect(try await stores.consents.grantedScopes(userID: user.id, clientID: client.id) == [])
            #expect(try await stores.consents.list(userID: user.id).map(\.clientID) == [other.id])
            #expect(try await stores.deleteUser(user.id))
            #expect(try await stores.consents.grantedScopes(userID: user.id, clientID: other.id) == [])
        },
    ]
}
