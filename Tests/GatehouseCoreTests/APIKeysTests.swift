import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// The rules of personal access tokens (`APIKeys`, `APIKeyToken`, `APIKeyScopes`) on the twins;
/// the same service over PostgreSQL is exercised end to end in GatehouseWebTests/APIKeyTests.
@Suite("API keys: the key's text, what it may carry, when it works")
struct APIKeysTests {
    struct World {
        let stores = InMemoryStores()
        let keys: InMemoryAPIKeyStore
        let service: APIKeys
        let user: User

        init(maximumDays: Int = 365) async throws {
            keys = InMemoryAPIKeyStore(users: stores.users)
            service = APIKeys(keys: keys, users: stores.users,
                              principals: Principals(memberships: stores.memberships, customRoles: stores.customRoles),
                              customRoles: stores.customRoles, crypto: TestCrypto(seed: 7), audit: stores.audit, clock: stores.clock,
                              maximumLifetimeDays: maximumDays)
            let now = stores.clock.now
            user = User(id: UUID(), email: "ada@example.test", emailVerified: true, passwordHash: nil, createdAt: now, updatedAt: now)
            try await stores.users.create(user)
        }

        var principal: Principal { get async throws { try await Principals(memberships: stores.memberships, customRoles: stores.customRoles).principal(userID: user.id) } }

        /// Gives the user a global role holding `permissions` (defining them first); returns the role's id.
        @discardableResult
        func give(_ permissions: [String]) async throws -> UUID {
            let now = stores.clock.now
            for permission in permissions { try? await stores.customRoles.createPermission(Permission(name: permission, createdAt: now, createdBy: nil)) }
            let role = CustomRole(id: UUID(), organizationID: nil, name: "r" + UUID().uuidString.prefix(8).lowercased(), permissions: Set(permissions),
                                  createdAt: now, createdBy: nil)
            try await stores.customRoles.createRole(role)
            try await stores.customRoles.assign(roleID: role.id, userID: user.id, at: now, by: nil)
            return role.id
        }
    }

    @Test("a key is ghpat_, 43 base62 characters and a 6-character CRC-32; any changed character fails the checksum")
    func tokenFormat() {
        #expect(APIKeyToken.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let crypto = TestCrypto(seed: 1)
        let first = APIKeyToken.generate(crypto), second = APIKeyToken.generate(crypto)
        #expect(first != second)
        for token in [first, second] {
            #expect(token.utf8.count == 55)
            #expect(token.hasPrefix("ghpat_"))
            #expect(token.dropFirst(6).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(APIKeyToken.isWellFormed(token))
        }
        var bytes = Array(first.utf8)
        bytes[20] = bytes[20] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        #expect(!APIKeyToken.isWellFormed(String(decoding: bytes, as: UTF8.self)))
        #expect(!APIKeyToken.isWellFormed(first + "0"))
        #expect(!APIKeyToken.isWellFormed("ghpat_"))
        #expect(!APIKeyToken.isWellFormed("ghp_" + first.dropFirst(6) + "xx"))
    }

    @Test("offered: gatehouse:manage, then the permissions the user holds; a site_admin every defined one")
    func offered() async throws {
        let world = try await World()
        #expect(try await world.service.offeredScopes(to: try await world.principal) == ["gatehouse:manage"])
        try await world.give(["reports:read", "billing:manage"])
        #expect(try await world.service.offeredScopes(to: try await world.principal) == ["gatehouse:manage", "billing:manage", "reports:read"])
        try await world.stores.customRoles.createPermission(Permission(name: "zeta", createdAt: world.stores.clock.now, createdBy: nil))
        let siteAdmin = Principal(userID: world.user.id, roles: .init(platformRole: .siteAdmin))
        #expect(try await world.service.offeredScopes(to: siteAdmin) == ["gatehouse:manage", "billing:manage", "reports:read", "zeta"])
    }

    @Test("create refuses: a blank or long name, no scope, a scope not held, 0 days or more than the maximum, a key for nobody")
    func createRefusals() async throws {
        let world = try await World(maximumDays: 90)
        let principal = try await world.principal
        let now = world.stores.clock.now
        let cases: [(String, [String], Date, APIKeys.Refusal)] = [
            ("  ", ["gatehouse:manage"], now + 86_400, .invalidName),
            (String(repeating: "x", count: 101), ["gatehouse:manage"], now + 86_400, .invalidName),
            ("bad\u{7}", ["gatehouse:manage"], now + 86_400, .invalidName),
            ("ci", [], now + 86_400, .scopeCount),
            ("ci", Array(repeating: "gatehouse:manage", count: 101), now + 86_400, .scopeCount),
            ("ci", ["gatehouse:manage", "reports:read"], now + 86_400, .scopeNotHeld("reports:read")),
            ("ci", ["gatehouse:manage"], now, .invalidExpiry(maximumDays: 90)),
            ("ci", ["gatehouse:manage"], now + 90 * 86_400 + 1, .invalidExpiry(maximumDays: 90)),
        ]
        for (name, scopes, expiry, refusal) in cases {
            await #expect(throws: refusal) { try await world.service.create(name: name, scopes: scopes, expiresAt: expiry, by: principal) }
        }
        _ = try await world.service.create(name: "longest", scopes: ["gatehouse:manage"], expiresAt: now + 90 * 86_400, by: principal)
        await #expect(throws: APIKeys.Refusal.notPermitted) {
            try await world.service.create(name: "ci", scopes: ["gatehouse:manage"], expiresAt: now + 86_400, by: .serverOperator)
        }
        #expect(await world.keys.digests().count == 1)
        #expect(world.service.lifetimeChoices == [7, 30, 90])
        #expect(try await World(maximumDays: 400).service.lifetimeChoices == [7, 30, 90, 365, 400])
    }

    @Test("a created key: stored as its SHA-256 only, expiring after the days asked, audited without its text; it authenticates")
    func createAndUse() async throws {
        let world = try await World()
        try await world.give(["reports:read"])
        let issued = try await world.service.create(name: " CI deploy ", scopes: ["reports:read", "gatehouse:manage", "reports:read"],
                                                    expiresAt: world.service.expiry(afterDays: 30), by: try await world.principal)
        #expect(issued.key.name == "CI deploy")
        #expect(issued.key.scopes == ["gatehouse:manage", "reports:read"])
        #expect(abs(issued.key.createdAt.timeIntervalSince(world.stores.clock.now)) < 1)
        #expect(issued.key.createdAt.timeIntervalSince1970 == issued.key.createdAt.timeIntervalSince1970.rounded(), "whole seconds")
        #expect(issued.key.expiresAt == issued.key.createdAt.addingTimeInterval(30 * 86_400))
        #expect(await world.keys.digests() == [TestCrypto().sha256(issued.token)])
        let created = await world.stores.audit.events(ofType: .apiKeyCreated)
        #expect(created.count == 1)
        #expect(created.first?.subject == world.user.id)
        #expect(created.first?.details == ["key_id": issued.key.id.uuidString.lowercased(), "name": "CI deploy",
                                           "scopes": "gatehouse:manage reports:read",
                                           "expires_at": String(issued.key.expiresAt.numericDate)])
        let live = try await world.service.authenticate(issued.token, for: .api)
        #expect(live.scopes == ["gatehouse:manage", "reports:read"])
        #expect(live.principal.userID == world.user.id)
        #expect(live.mayManage)
    }

    @Test("the last use is written at most once a minute")
    func lastUse() async throws {
        let world = try await World()
        let issued = try await world.service.create(name: "ci", scopes: ["gatehouse:manage"], expiresAt: world.service.expiry(afterDays: 7), by: try await world.principal)
        #expect(try await world.keys.list(userID: world.user.id, limit: 5).first?.lastUsedAt == nil)
        let used = try await world.service.authenticate(issued.token, for: .api).key.lastUsedAt
        let first = try #require(try await world.keys.list(userID: world.user.id, limit: 5).first?.lastUsedAt)
        #expect(used == first)
        world.stores.clock.advance(by: 59)
        _ = try await world.service.authenticate(issued.token, for: .api)
        #expect(try await world.keys.list(userID: world.user.id, limit: 5).first?.lastUsedAt == first, "not within the minute")
        world.stores.clock.advance(by: 1)
        _ = try await world.service.authenticate(issued.token, for: .api)
        let second = try #require(try await world.keys.list(userID: world.user.id, limit: 5).first?.lastUsedAt)
        #expect(second.timeIntervalSince(first) >= 60 && second.timeIntervalSince(first) < 61)
    }

    @Test("a permission taken from the owner is gone from the key at once, and back when given back")
    func scopesFollowTheOwner() async throws {
        let world = try await World()
        let role = try await world.give(["reports:read"])
        let issued = try await world.service.create(name: "ci", scopes: ["reports:read"], expiresAt: world.service.expiry(afterDays: 7), by: try await world.principal)
        #expect(try await world.service.authenticate(issued.token, for: .introspection).scopes == ["reports:read"])
        try await world.stores.customRoles.unassign(roleID: role, userID: world.user.id)
        let live = try await world.service.authenticate(issued.token, for: .introspection)
        #expect(live.scopes.isEmpty)
        #expect(!live.mayManage)
        try await world.stores.customRoles.assign(roleID: role, userID: world.user.id, at: world.stores.clock.now, by: nil)
        #expect(try await world.service.authenticate(issued.token, for: .introspection).scopes == ["reports:read"])
    }

    @Test("refused with one answer: malformed, unknown, revoked, expired, owner deleted; known keys' refusals audited once a minute")
    func refusals() async throws {
        let world = try await World()
        let principal = try await world.principal
        let invalid = OAuthError(.invalidToken, .apiKeyInvalid)
        await #expect(throws: invalid) { try await world.service.authenticate("ghpat_nope", for: .api) }
        await #expect(throws: invalid) { try await world.service.authenticate(APIKeyToken.generate(TestCrypto()), for: .api) }

        let revoked = try await world.service.create(name: "old", scopes: ["gatehouse:manage"], expiresAt: world.service.expiry(afterDays: 7), by: principal)
        #expect(try await world.service.revoke(revoked.key.id, of: world.user.id, by: principal).revokedBy == AuditEvent.user(world.user.id))
        await #expect(throws: APIKeys.Refusal.notFound) { try await world.service.revoke(revoked.key.id, of: world.user.id, by: principal) }
        await #expect(throws: invalid) { try await world.service.authenticate(revoked.token, for: .api) }
        await #expect(throws: invalid) { try await world.service.authenticate(revoked.token, for: .introspection) }
        let refused = await world.stores.audit.events(ofType: .apiKeyRefused)
        #expect(refused.map(\.details) == [["key_id": revoked.key.id.uuidString.lowercased(), "name": "old", "reason": "revoked", "used_at": "api"]])
        #expect(refused.first?.actor == "api_key:" + revoked.key.id.uuidString.lowercased())

        let expiring = try await world.service.create(name: "week", scopes: ["gatehouse:manage"], expiresAt: world.service.expiry(afterDays: 7), by: principal)
        world.stores.clock.advance(by: 7 * 86_400)
        await #expect(throws: invalid) { try await world.service.authenticate(expiring.token, for: .api) }
        #expect(await world.stores.audit.events(ofType: .apiKeyRefused).last?.details["reason"] == "expired")

        let orphan = try await world.service.create(name: "orphan", scopes: ["gatehouse:manage"], expiresAt: world.service.expiry(afterDays: 7), by: principal)
        #expect(try await world.stores.users.delete(id: world.user.id))
        await #expect(throws: invalid) { try await world.service.authenticate(orphan.token, for: .api) }
    }

    @Test("only the owner (or the operator at the shell) lists and revokes a user's keys")
    func ownKeysOnly() async throws {
        let world = try await World()
        let issued = try await world.service.create(name: "ci", scopes: ["gatehouse:manage"], expiresAt: world.service.expiry(afterDays: 7), by: try await world.principal)
        let stranger = Principal(userID: UUID(), roles: .init(platformRole: .superAdmin))
        await #expect(throws: APIKeys.Refusal.notFound) { try await world.service.list(of: world.user.id, by: stranger) }
        await #expect(throws: APIKeys.Refusal.notFound) { try await world.service.revoke(issued.key.id, of: world.user.id, by: stranger) }
        #expect(try await world.service.list(of: world.user.id, by: .serverOperator).map(\.id) == [issued.key.id])
        #expect(try await world.service.revoke(issued.key.id, of: world.user.id, by: .serverOperator).revokedBy == "operator")
        #expect(await world.stores.audit.events(ofType: .apiKeyRevoked).first?.actor == "operator")
    }
}
