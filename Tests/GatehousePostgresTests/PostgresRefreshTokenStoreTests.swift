import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Family revocation that holds for tokens stored after it: the store side of a code reuse that
/// races the exchange it revokes (RFC 6749 §4.1.2) and of a reuse racing a rotation.
@Suite("PostgresRefreshTokenStore")
struct PostgresRefreshTokenStoreTests {
    let now = Date()

    /// A client and a user of their own in the shared test database (migrated by `./dev test`),
    /// and a token record of `family` for them.
    func owner() async throws -> (clientID: String, userID: UUID) {
        let pool = try TestServices.postgres()
        let clientID = "client-" + UUID().uuidString.lowercased()
        try await PostgresClientStore(pool: pool).create(Client(
            id: clientID, secretDigest: nil, name: "Store Test", redirectURIs: ["https://app.example/cb"],
            grantTypes: [.authorizationCode, .refreshToken], allowedScopes: [], createdAt: now))
        let user = User(id: UUID(), email: "store-\(UUID().uuidString.lowercased())@example.test", emailVerified: true,
                        passwordHash: nil, createdAt: now, updatedAt: now)
        try await PostgresUserStore(pool: pool).create(user)
        return (clientID, user.id)
    }

    func token(_ family: UUID, _ owner: (clientID: String, userID: UUID)) -> RefreshTokenRecord {
        RefreshTokenRecord(digest: Array(UUID().uuidString.utf8), familyID: family, clientID: owner.clientID, userID: owner.userID,
                           scopes: ["openid", "offline_access"], sessionID: nil, authTime: now, amr: ["pwd"], createdAt: now,
                           expiresAt: now.addingTimeInterval(3600), familyExpiresAt: now.addingTimeInterval(7200))
    }

    func rotation(_ token: RefreshTokenRecord) -> RefreshRotationRequest {
        RefreshRotationRequest(digest: token.digest, clientID: token.clientID, replacementDigest: Array(UUID().uuidString.utf8),
                               now: now.addingTimeInterval(1), replacementExpiresAt: now.addingTimeInterval(3600), requestedScopes: [])
    }

    @Test("a token stored after its family was revoked is revoked from the start: rotation, find and the family say so")
    func revokedBeforeStored() async throws {
        let store = PostgresRefreshTokenStore(pool: try TestServices.postgres())
        let owner = try await owner(), family = UUID()
        try await store.revokeFamily(family, at: now)
        let late = token(family, owner)
        try await store.insert(late)

        #expect(try await store.rotate(rotation(late)) == .revoked)
        let found = try #require(try await store.find(digest: late.digest))
        #expect(found.revokedAt != nil)
        #expect(!found.isActive(at: now))
        #expect(try await store.isFamilyRevoked(family))
    }

    @Test("another family is untouched by a revocation")
    func otherFamilyLive() async throws {
        let store = PostgresRefreshTokenStore(pool: try TestServices.postgres())
        let owner = try await owner()
        try await store.revokeFamily(UUID(), at: now)
        let live = token(UUID(), owner)
        try await store.insert(live)
        #expect(try await store.find(digest: live.digest)?.isActive(at: now) == true)
        guard case .rotated = try await store.rotate(rotation(live)) else {
            Issue.record("a live token of another family must rotate")
            return
        }
    }

    @Test("revoking all of a user's tokens also records their families, so a racing rotation's replacement is revoked")
    func revokeAllRecordsFamilies() async throws {
        let store = PostgresRefreshTokenStore(pool: try TestServices.postgres())
        let owner = try await owner(), family = UUID()
        try await store.insert(token(family, owner))
        try await store.revokeAll(userID: owner.userID, clientID: owner.clientID, at: now)
        let late = token(family, owner)
        try await store.insert(late)
        #expect(try await store.rotate(rotation(late)) == .revoked)
    }
}

extension PostgresRefreshTokenStoreTests {
    @Test("a family's organization is stored with its first token and copied by every rotation (issue 10)")
    func organizationKeptByRotation() async throws {
        let pool = try TestServices.postgres()
        let store = PostgresRefreshTokenStore(pool: pool)
        let owner = try await owner()
        let organization = try await PostgresOrganizationStore(pool: pool).create(Organization(
            id: UUID(), name: "Refresh Org", slug: "refresh-" + UUID().uuidString.prefix(8).lowercased(), status: .active,
            createdAt: now, createdBy: nil))
        var first = token(UUID(), owner)
        first.organizationID = organization.id
        try await store.insert(first)
        #expect(try await store.find(digest: first.digest)?.record.organizationID == organization.id)

        guard case .rotated(let second, _) = try await store.rotate(rotation(first)) else {
            Issue.record("a live token must rotate")
            return
        }
        #expect(second.organizationID == organization.id)
        guard case .rotated(let third, _) = try await store.rotate(rotation(second)) else {
            Issue.record("the replacement must rotate")
            return
        }
        #expect(third.organizationID == organization.id)
        #expect(try await store.find(digest: third.digest)?.record.organizationID == organization.id)

        let without = token(UUID(), owner)
        try await store.insert(without)
        #expect(try await store.find(digest: without.digest)?.record.organizationID == nil)
    }
}
