import Foundation
import GatehouseCore
import Testing

/// An API key store with the user store its rows refer to: the real ones over one database
/// (`APIKeyStores.postgres`, in GatehouseTestingStack) or the twins (`inMemory()`).
public struct APIKeyStores: Sendable {
    public var users: any UserStore
    public var keys: any APIKeyStore
    /// Deletes a user and what refers to it.
    public var deleteUser: @Sendable (UUID) async throws -> Bool

    public init(users: any UserStore, keys: any APIKeyStore, deleteUser: @escaping @Sendable (UUID) async throws -> Bool) {
        self.users = users
        self.keys = keys
        self.deleteUser = deleteUser
    }

    public static func inMemory() -> APIKeyStores {
        let users = InMemoryUserStore()
        return APIKeyStores(users: users, keys: InMemoryAPIKeyStore(users: users), deleteUser: { try await users.delete(id: $0) })
    }
}

/// The contract of `APIKeyStore` (Ports/APIKeyStore.swift).
public enum APIKeyStoreConformance {
    static func owner(_ stores: APIKeyStores) async throws -> User {
        let user = Fixtures.user()
        try await stores.users.create(user)
        return user
    }

    static func key(_ owner: UUID, name: String = "deploy", at now: Date = Fixtures.now, days: Double = 30) -> APIKey {
        APIKey(id: UUID(), userID: owner, name: name, scopes: ["gatehouse:manage", "reports:read"], createdAt: now,
               expiresAt: now.addingTimeInterval(days * 86_400))
    }

    public static let checks: [ConformanceCheck<APIKeyStores>] = [
        ConformanceCheck("APIKeyStore: a key reads back by its digest, exactly; another digest finds nothing") { stores async throws in
            let user = try await owner(stores)
            let created = key(user.id)
            let digest = Fixtures.digest()
            try await stores.keys.create(created, digest: digest)
            #expect(try await stores.keys.find(digest: digest) == created)
            #expect(try await stores.keys.find(digest: Fixtures.digest()) == nil)
        },
        ConformanceCheck("APIKeyStore: a key of a user who does not exist is a conflict; a digest taken twice is a conflict") { stores async throws in
            await #expect(throws: StoreError.self) { try await stores.keys.create(key(UUID()), digest: Fixtures.digest()) }
            let user = try await owner(stores)
            let digest = Fixtures.digest()
            try await stores.keys.create(key(user.id), digest: digest)
            await #expect(throws: StoreError.self) { try await stores.keys.create(key(user.id), digest: digest) }
        },
        ConformanceCheck("APIKeyStore: a create beyond the owner's live limit stores nothing, even 12 at once; revoked and expired keys leave room") { stores async throws in
            let user = try await owner(stores), now = Fixtures.now
            let expired = key(user.id, name: "expired", at: now.addingTimeInterval(-40 * 86_400), days: 30)
            let revoked = key(user.id, name: "revoked", at: now.addingTimeInterval(-60))
            for created in [expired, revoked] { #expect(try await stores.keys.create(created, digest: Fixtures.digest(), liveLimit: 3)) }
            _ = try await stores.keys.revoke(id: revoked.id, userID: user.id, at: now, by: "operator")
            let keys = stores.keys
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for number in 0..<12 {
                    group.addTask { try await keys.create(key(user.id, name: "k\(number)", at: now), digest: Fixtures.digest(), liveLimit: 3) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(stored == 3)
            #expect(try await stores.keys.countLive(userID: user.id, now: now) == 3)
            #expect(try await stores.keys.create(key(user.id, at: now), digest: Fixtures.digest(), liveLimit: 3) == false)
            #expect(try await stores.keys.create(key(user.id, at: now), digest: Fixtures.digest(), liveLimit: 4) == true)
        },
        ConformanceCheck("APIKeyStore: the list is the user's unrevoked keys, expired ones included, newest first, within the limit") { stores async throws in
            let user = try await owner(stores), other = try await owner(stores), now = Fixtures.now
            let old = key(user.id, name: "old", at: now.addingTimeInterval(-200 * 86_400), days: 100)
            let middle = key(user.id, name: "middle", at: now.addingTimeInterval(-60))
            let newest = key(user.id, name: "newest", at: now)
            let revoked = key(user.id, name: "revoked", at: now.addingTimeInterval(-30))
            for created in [old, middle, newest, revoked] { try await stores.keys.create(created, digest: Fixtures.digest()) }
            try await stores.keys.create(key(other.id), digest: Fixtures.digest())
            #expect(try await stores.keys.revoke(id: revoked.id, userID: user.id, at: now, by: "operator") != nil)
            #expect(try await stores.keys.list(userID: user.id, limit: 10).map(\.name) == ["newest", "middle", "old"])
            #expect(try await stores.keys.list(userID: user.id, limit: 2).map(\.name) == ["newest", "middle"])
            #expect(try await stores.keys.countLive(userID: user.id, now: now) == 2)
        },
        ConformanceCheck("APIKeyStore: revoke is the owner's, once: it returns the key revoked; another user's or a second revoke is nil") { stores async throws in
            let user = try await owner(stores), other = try await owner(stores), now = Fixtures.now
            let created = key(user.id)
            let digest = Fixtures.digest()
            try await stores.keys.create(created, digest: digest)
            #expect(try await stores.keys.revoke(id: created.id, userID: other.id, at: now, by: AuditEvent.user(other.id)) == nil)
            var expected = created
            expected.revokedAt = now
            expected.revokedBy = AuditEvent.user(user.id)
            #expect(try await stores.keys.revoke(id: created.id, userID: user.id, at: now, by: AuditEvent.user(user.id)) == expected)
            #expect(try await stores.keys.revoke(id: created.id, userID: user.id, at: now, by: "operator") == nil)
            #expect(try await stores.keys.find(digest: digest) == expected)
            #expect(try await stores.keys.revoke(id: UUID(), userID: user.id, at: now, by: "operator") == nil)
        },
        ConformanceCheck("APIKeyStore: a use is recorded at most once per resolution; so is a refusal notice") { stores async throws in
            let user = try await owner(stores), now = Fixtures.now
            let created = key(user.id)
            let digest = Fixtures.digest()
            try await stores.keys.create(created, digest: digest)
            #expect(try await stores.keys.recordUse(id: created.id, at: now, resolution: 60))
            #expect(try await stores.keys.recordUse(id: created.id, at: now.addingTimeInterval(59), resolution: 60) == false)
            #expect(try await stores.keys.find(digest: digest)?.lastUsedAt == now)
            #expect(try await stores.keys.recordUse(id: created.id, at: now.addingTimeInterval(60), resolution: 60))
            #expect(try await stores.keys.find(digest: digest)?.lastUsedAt == now.addingTimeInterval(60))
            #expect(try await stores.keys.claimRefusalNotice(id: created.id, at: now, resolution: 60))
            #expect(try await stores.keys.claimRefusalNotice(id: created.id, at: now.addingTimeInterval(30), resolution: 60) == false)
            #expect(try await stores.keys.claimRefusalNotice(id: created.id, at: now.addingTimeInterval(61), resolution: 60))
            #expect(try await stores.keys.recordUse(id: UUID(), at: now, resolution: 60) == false)
        },
        ConformanceCheck("APIKeyStore: a deleted user's keys are gone") { stores async throws in
            let user = try await owner(stores)
            let created = key(user.id)
            let digest = Fixtures.digest()
            try await stores.keys.create(created, digest: digest)
            #expect(try await stores.deleteUser(user.id))
            #expect(try await stores.keys.find(digest: digest) == nil)
            #expect(try await stores.keys.list(userID: user.id, limit: 10).isEmpty)
        },
    ]
}
