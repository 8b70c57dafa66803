import Foundation
import GatehouseCore
import Testing

/// `ClientStore`'s contract (Ports/Stores.swift): ids unique, `update` and `delete` saying
/// whether the client existed.
public enum ClientStoreConformance {
    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("ClientStore: a created client reads back field for field, confidential or public") { stores async throws in
            var confidential = Fixtures.client()
            confidential.requireMFA = true
            let publicClient = Fixtures.client(secret: nil)
            try await stores.clients.create(confidential)
            try await stores.clients.create(publicClient)
            #expect(try await stores.clients.find(id: confidential.id) == confidential)
            #expect(try await stores.clients.find(id: publicClient.id) == publicClient)
            #expect(try await stores.clients.find(id: publicClient.id)?.isPublic == true)
            #expect(try await stores.clients.find(id: Fixtures.unique("unknown")) == nil)
        },
        ConformanceCheck("ClientStore: an id that is taken is a conflict and the first client stays") { stores async throws in
            let client = try await Fixtures.createdClient(stores)
            var other = Fixtures.client(id: client.id)
            other.name = "Impostor"
            await #expect(throws: StoreError.conflict("a client with this id exists")) { try await stores.clients.create(other) }
            #expect(try await stores.clients.find(id: client.id) == client)
        },
        ConformanceCheck("ClientStore: update replaces every field and says whether the client existed") { stores async throws in
            let client = try await Fixtures.createdClient(stores)
            var changed = client
            changed.name = "Renamed"
            changed.secretDigest = [9, 9, 9]
            changed.redirectURIs = ["https://other.example/cb", "https://other.example/cb2"]
            changed.postLogoutRedirectURIs = []
            changed.grantTypes = [.clientCredentials]
            changed.allowedScopes = []
            changed.requireMFA = true
            #expect(try await stores.clients.update(changed))
            #expect(try await stores.clients.find(id: client.id) == changed)
            #expect(try await stores.clients.update(Fixtures.client()) == false)
        },
        ConformanceCheck("ClientStore: delete removes the client once") { stores async throws in
            let client = try await Fixtures.createdClient(stores)
            #expect(try await stores.clients.delete(id: client.id))
            #expect(try await stores.clients.find(id: client.id) == nil)
            #expect(try await stores.clients.delete(id: client.id) == false)
        },
        ConformanceCheck("ClientStore: list holds every client, oldest first") { stores async throws in
            let base = Fixtures.now
            let newer = Fixtures.client(at: base.addingTimeInterval(2)), older = Fixtures.client(at: base.addingTimeInterval(1))
            try await stores.clients.create(newer)
            try await stores.clients.create(older)
            let listed = try await stores.clients.list().filter { [newer.id, older.id].contains($0.id) }
            #expect(listed == [older, newer])
        },
    ]
}
