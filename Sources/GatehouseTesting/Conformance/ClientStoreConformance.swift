import Foundation
import GatehouseCore
import Testing

/// `ClientStore`'s contract (Ports/Stores.swift): ids unique, `update` only at the revision read
/// (and `update` and `delete` saying whether they changed anything), lists newest first by
/// keyset, all or by owning organization.
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
        ConformanceCheck("ClientStore: update replaces every field at the next revision and says whether the client existed") { stores async throws in
            let client = try await Fixtures.createdClient(stores)
            let owner = try await stores.organizations.create(OrganizationStoresConformance.organization("Owner", at: Fixtures.now))
            var changed = client
            changed.name = "Renamed"
            changed.secretDigest = [9, 9, 9]
            changed.redirectURIs = ["https://other.example/cb", "https://other.example/cb2"]
            changed.postLogoutRedirectURIs = []
            changed.grantTypes = [.clientCredentials]
            changed.allowedScopes = []
            changed.requireMFA = true
            changed.organizationID = owner.id
            changed.previousSecret = Client.RetiredSecret(digest: [1, 2, 3], expiresAt: Fixtures.now.addingTimeInterval(3600))
            changed.lifetimes = Client.TokenLifetimes(accessToken: .seconds(300), refreshTokenIdle: .seconds(3600),
                                                      refreshTokenAbsolute: .seconds(7200))
            changed.updatedAt = Fixtures.now.addingTimeInterval(5)
            #expect(try await stores.clients.update(changed))
            var stored = changed
            stored.revision = client.revision + 1
            #expect(try await stores.clients.find(id: client.id) == stored)
            #expect(try await stores.clients.update(Fixtures.client()) == false)
        },
        ConformanceCheck("ClientStore: an update based on a stale read changes nothing") { stores async throws in
            let client = try await Fixtures.createdClient(stores)
            var first = client, second = client
            first.name = "First"
            second.name = "Second"
            #expect(try await stores.clients.update(first))
            #expect(try await stores.clients.update(second) == false, "read at revision 1, stored is 2")
            #expect(try await stores.clients.find(id: client.id)?.name == "First")
        },
        ConformanceCheck("ClientStore: delete removes the client once") { stores async throws in
            let client = try await Fixtures.createdClient(stores)
            #expect(try await stores.clients.delete(id: client.id))
            #expect(try await stores.clients.find(id: client.id) == nil)
            #expect(try await stores.clients.delete(id: client.id) == false)
        },
        ConformanceCheck("ClientStore: list pages newest first by keyset, all clients or one organization's") { stores async throws in
            let owner = try await stores.organizations.create(OrganizationStoresConformance.organization("Owner", at: Fixtures.now))
            // In the future, so these are the newest of the whole (shared) store.
            let base = Date(timeIntervalSince1970: 4_000_000_000 + Double.random(in: 0..<1_000_000))
            var made: [Client] = []
            for offset in 0..<5 {
                var client = Fixtures.client(at: base.addingTimeInterval(Double(offset)))
                if offset % 2 == 0 { client.organizationID = owner.id }
                try await stores.clients.create(client)
                made.append(client)
            }
            let owned = try await stores.clients.list(owners: [owner.id], after: nil, limit: 10)
            #expect(owned.map(\.id) == [made[4].id, made[2].id, made[0].id])
            let firstPage = try await stores.clients.list(owners: [owner.id], after: nil, limit: 2)
            #expect(firstPage.map(\.id) == [made[4].id, made[2].id])
            let secondPage = try await stores.clients.list(owners: [owner.id], after: ClientCursor(after: made[2]), limit: 2)
            #expect(secondPage.map(\.id) == [made[0].id])
            #expect(try await stores.clients.list(owners: [UUID()], after: nil, limit: 10).isEmpty)
            #expect(try await stores.clients.list(owners: [], after: nil, limit: 10).isEmpty)
            let everyone = try await stores.clients.list(owners: nil, after: ClientCursor(after: made[4]), limit: 3)
            #expect(everyone.map(\.id) == [made[3].id, made[2].id, made[1].id])
        },
    ]
}
