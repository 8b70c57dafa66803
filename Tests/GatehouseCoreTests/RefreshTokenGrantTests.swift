import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `RefreshTokenGrant` on the twins (RFC 6749 §6, RFC 9700 §4.14.2): one row per refusal with
/// its exact `error` and `error_description`, then what a rotation issues.
@Suite("RefreshTokenGrant: every refusal, rotation, reuse")
struct RefreshTokenGrantTests {
    enum Token: Sendable { case live, unknown, expired, revoked, otherClients }

    struct Row: Sendable, CustomTestStringConvertible {
        let rule: String
        var token: Token = .live
        var scope: String?
        let error: OAuthError.Code
        let description: String
        /// Whether the presented token still rotates afterwards.
        var tokenSurvives: Bool

        var testDescription: String { rule }
    }

    static let rows: [Row] = [
        Row(rule: "a scope with characters RFC 6749 §3.3 forbids", scope: "openid \u{7F}", error: .invalidScope,
            description: "scope contains characters that are not allowed", tokenSurvives: true),
        Row(rule: "a scope beyond the family's: only narrowing is allowed (RFC 6749 §6)", scope: "openid admin", error: .invalidScope,
            description: "scope exceeds what was originally granted", tokenSurvives: true),
        Row(rule: "an unknown token", token: .unknown, error: .invalidGrant,
            description: "the refresh token is invalid, expired or revoked", tokenSurvives: true),
        Row(rule: "another client's token", token: .otherClients, error: .invalidGrant,
            description: "the refresh token is invalid, expired or revoked", tokenSurvives: true),
        Row(rule: "an expired token", token: .expired, error: .invalidGrant,
            description: "the refresh token is invalid, expired or revoked", tokenSurvives: false),
        Row(rule: "a revoked token", token: .revoked, error: .invalidGrant,
            description: "the refresh token is invalid, expired or revoked", tokenSurvives: false),
    ]

    /// A live family for `client` (offline access), returning the token.
    static func issue(_ world: GrantTestWorld, client: Client, idle: TimeInterval = 3600) async throws -> String {
        let token = world.crypto.randomToken(), now = world.stores.clock.now
        try await world.stores.refreshTokens.insert(RefreshTokenRecord(
            digest: world.crypto.tokenDigest(token), familyID: UUID(), clientID: client.id, userID: world.user.id,
            scopes: ["openid", "email", "offline_access"], sessionID: UUID(), authTime: now.addingTimeInterval(-60), amr: ["pwd"],
            createdAt: now, expiresAt: now.addingTimeInterval(idle), familyExpiresAt: now.addingTimeInterval(86_400)))
        return token
    }

    @Test("a refused refresh", arguments: rows)
    func refused(_ row: Row) async throws {
        let world = try await GrantTestWorld()
        let token = try await Self.issue(world, client: row.token == .otherClients ? world.otherClient : world.client,
                                         idle: row.token == .expired ? 1 : 3600)
        switch row.token {
        case .expired: world.stores.clock.advance(by: 2)
        case .revoked: _ = try await world.stores.refreshTokens.revokeAll(userID: world.user.id, clientID: nil, at: world.stores.clock.now)
        default: break
        }
        let presented = row.token == .unknown ? world.crypto.randomToken() : token
        let refusal = await GrantTestWorld.wire {
            try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: presented, scope: row.scope),
                                                  client: world.client)
        }
        #expect(refusal?.code == row.error.rawValue)
        #expect(refusal?.description == row.description)
        let owner = row.token == .otherClients ? world.otherClient : world.client
        let afterwards = await GrantTestWorld.wire {
            try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: token, scope: nil), client: owner)
        }
        #expect((afterwards == nil) == row.tokenSurvives)
        #expect(await world.stores.audit.events(ofType: .tokenReuseDetected).isEmpty, "no refusal here is a reuse")
    }

    @Test("a rotation issues a new refresh token and an access token of the same grant; a narrower scope narrows the access token only")
    func rotation() async throws {
        let world = try await GrantTestWorld()
        let token = try await Self.issue(world, client: world.client)
        let response = try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: token, scope: "openid"),
                                                             client: world.client)
        #expect(response.scope == "openid")
        let next = try #require(response.refreshToken)
        #expect(next != token)
        let stored = try #require(try await world.stores.refreshTokens.find(digest: world.crypto.tokenDigest(next)))
        #expect(stored.record.scopes == ["openid", "email", "offline_access"], "the refresh token keeps the family's scope")
        let access = try GrantTestWorld.claims(response.accessToken)
        #expect(access["grant_id"] as? String == stored.record.familyID.uuidString.lowercased())
        #expect(access["scope"] as? String == "openid")
        let id = try GrantTestWorld.claims(response.idToken)
        #expect(id["nonce"] == nil, "a refreshed ID token carries no nonce (OIDC Core §12.2)")
        #expect(id["auth_time"] as? Int == stored.record.authTime.numericDate)
    }

    @Test("a rotated token used again: invalid_grant, its whole grant revoked, access tokens included, and the reuse audited")
    func reuse() async throws {
        let world = try await GrantTestWorld()
        let token = try await Self.issue(world, client: world.client)
        let first = try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: token, scope: nil), client: world.client)
        let refusal = await GrantTestWorld.wire {
            try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: token, scope: nil), client: world.client)
        }
        #expect(refusal?.code == "invalid_grant")
        #expect(refusal?.description == "the refresh token was already used; its family is revoked")
        let grant = try #require((try GrantTestWorld.claims(first.accessToken)["grant_id"] as? String).flatMap(UUID.init))
        #expect(try await world.stores.refreshTokens.isFamilyRevoked(grant))
        #expect(try await world.stores.states.isAccessTokenRevoked(id: "any", grantID: grant))
        let rotated = try #require(first.refreshToken)
        let successor = await GrantTestWorld.wire {
            try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: rotated, scope: nil), client: world.client)
        }
        #expect(successor?.description == "the refresh token is invalid, expired or revoked", "the successor died with its family")
        let events = await world.stores.audit.events(ofType: .tokenReuseDetected)
        #expect(events.map(\.subject) == [world.user.id])
        #expect(events.map(\.details) == [["token_type": "refresh_token", "revoked_family_id": grant.uuidString.lowercased()]])
    }

    /// A family of the organization and roles scopes for a member of Acme (client_admin).
    static func organizationFamily(_ world: GrantTestWorld) async throws -> (token: String, acme: Organization) {
        let now = world.stores.clock.now
        let acme = try await world.stores.organizations.create(Organization(
            id: UUID(), name: "Acme", slug: "acme", status: .active, createdAt: now, createdBy: nil))
        try await world.stores.memberships.save(Membership(organizationID: acme.id, userID: world.user.id, role: .clientAdmin,
                                                           createdAt: now, createdBy: nil), at: now, by: nil)
        let token = world.crypto.randomToken()
        try await world.stores.refreshTokens.insert(RefreshTokenRecord(
            digest: world.crypto.tokenDigest(token), familyID: UUID(), clientID: world.client.id, userID: world.user.id,
            scopes: ["openid", "organization", "roles", "offline_access"], sessionID: UUID(), authTime: now.addingTimeInterval(-60),
            amr: ["pwd"], createdAt: now, expiresAt: now.addingTimeInterval(3600), familyExpiresAt: now.addingTimeInterval(86_400),
            organizationID: acme.id))
        return (token, acme)
    }

    @Test("the family's organization: its claims at each rotation, the narrowed scope's only, and the organization kept")
    func organizationKept() async throws {
        let world = try await GrantTestWorld()
        let (token, acme) = try await Self.organizationFamily(world)
        let full = try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: token, scope: nil), client: world.client)
        let access = try GrantTestWorld.claims(full.accessToken), id = try GrantTestWorld.claims(full.idToken)
        #expect(access["org_id"] as? String == acme.id.uuidString.lowercased())
        #expect(access["roles"] as? [String] == ["client_admin"])
        #expect(access["permissions"] as? [String] == [])
        #expect(id["org_slug"] as? String == "acme" && id["org_name"] as? String == "Acme")
        let next = try #require(full.refreshToken)
        #expect(try await world.stores.refreshTokens.find(digest: world.crypto.tokenDigest(next))?.record.organizationID == acme.id)

        let narrowed = try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: next, scope: "openid"),
                                                             client: world.client)
        let narrowAccess = try GrantTestWorld.claims(narrowed.accessToken)
        #expect(["org_id", "roles", "permissions"].allSatisfy { narrowAccess[$0] == nil }, "only what the narrowed scope asks")
    }

    @Test("a member removed from the family's organization: invalid_grant and the grant revoked, even for a narrowed scope")
    func membershipEnded() async throws {
        for scope in [nil, "openid"] {
            let world = try await GrantTestWorld()
            let (token, acme) = try await Self.organizationFamily(world)
            _ = try await world.stores.memberships.remove(organizationID: acme.id, userID: world.user.id)
            let refusal = await GrantTestWorld.wire {
                try await world.refreshToken.exchange(RefreshTokenGrant.Request(refreshToken: token, scope: scope), client: world.client)
            }
            #expect(refusal == GrantTestWorld.Wire("invalid_grant", "the user no longer belongs to the organization of this grant"),
                    "scope \(scope ?? "as granted")")
            let family = try #require(try await world.stores.refreshTokens.find(digest: world.crypto.tokenDigest(token))?.record.familyID)
            #expect(try await world.stores.refreshTokens.isFamilyRevoked(family))
        }
    }
}
