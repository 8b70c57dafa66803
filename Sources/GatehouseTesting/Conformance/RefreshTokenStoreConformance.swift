import Foundation
import GatehouseCore
import Testing

/// `RefreshTokenStore`'s contract (Ports/Stores.swift; RFC 6749 §6, RFC 9700 §4.14.2): rotation
/// on every use, a reused token revoking its family, narrowing only, and revoked families
/// staying revoked for tokens stored later.
public enum RefreshTokenStoreConformance {
    /// A user, a client and one live token of a new family issued to them at `now`.
    struct Grant {
        let user: User
        let client: Client
        let token: RefreshTokenRecord
        var now: Date { token.createdAt }
    }

    static func grant(_ stores: DurableStores, idle: TimeInterval = 3600, absolute: TimeInterval = 86_400) async throws -> Grant {
        let user = try await Fixtures.createdUser(stores), client = try await Fixtures.createdClient(stores)
        let now = user.createdAt
        let token = record(family: UUID(), user: user, client: client, at: now, idle: idle, absolute: absolute)
        try await stores.refreshTokens.insert(token)
        return Grant(user: user, client: client, token: token)
    }

    static func record(family: UUID, user: User, client: Client, at now: Date, idle: TimeInterval = 3600,
                       absolute: TimeInterval = 86_400) -> RefreshTokenRecord {
        RefreshTokenRecord(digest: Fixtures.digest(), familyID: family, clientID: client.id, userID: user.id,
                           scopes: ["openid", "email", "offline_access"], sessionID: UUID(), authTime: now.addingTimeInterval(-30),
                           amr: ["pwd"], createdAt: now, expiresAt: now.addingTimeInterval(idle),
                           familyExpiresAt: now.addingTimeInterval(absolute))
    }

    static func use(_ token: RefreshTokenRecord, client: String? = nil, at now: Date, scopes: [String] = [],
                    idle: TimeInterval = 3600) -> RefreshRotationRequest {
        RefreshRotationRequest(digest: token.digest, clientID: client ?? token.clientID, replacementDigest: Fixtures.digest(),
                               now: now, replacementExpiresAt: now.addingTimeInterval(idle), requestedScopes: scopes)
    }

    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("RefreshTokenStore: a stored token reads back unused and unrevoked; an unknown one is nil") { stores async throws in
            let grant = try await grant(stores)
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest)
                    == StoredRefreshToken(record: grant.token, usedAt: nil, revokedAt: nil))
            #expect(try await stores.refreshTokens.find(digest: Fixtures.digest()) == nil)
        },
        ConformanceCheck("RefreshTokenStore: a use rotates: the replacement keeps the family and is created now; the token is used") { stores async throws in
            let grant = try await grant(stores)
            let now = grant.now.addingTimeInterval(60), request = use(grant.token, at: now)
            var expected = grant.token
            (expected.digest, expected.createdAt, expected.expiresAt) = (request.replacementDigest, now, request.replacementExpiresAt)
            #expect(try await stores.refreshTokens.rotate(request) == .rotated(expected, claims: nil))
            #expect(try await stores.refreshTokens.find(digest: expected.digest) == StoredRefreshToken(record: expected, usedAt: nil, revokedAt: nil))
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest)?.usedAt == now)
        },
        ConformanceCheck("RefreshTokenStore: the replacement's idle expiry is capped at the family's absolute one") { stores async throws in
            let grant = try await grant(stores, idle: 3600, absolute: 600)
            let now = grant.now.addingTimeInterval(60)
            guard case .rotated(let next, _) = try await stores.refreshTokens.rotate(use(grant.token, at: now, idle: 3600)) else {
                Issue.record("the token did not rotate")
                return
            }
            #expect(next.expiresAt == grant.token.familyExpiresAt)
            #expect(next.familyExpiresAt == grant.token.familyExpiresAt)
        },
        ConformanceCheck("RefreshTokenStore: a second use of a rotated token is reuse: its whole family is revoked (RFC 9700 §4.14.2)") { stores async throws in
            let grant = try await grant(stores)
            let now = grant.now.addingTimeInterval(60), first = use(grant.token, at: now)
            _ = try await stores.refreshTokens.rotate(first)
            #expect(try await stores.refreshTokens.rotate(use(grant.token, at: now.addingTimeInterval(1)))
                    == .reused(familyID: grant.token.familyID))
            #expect(try await stores.refreshTokens.isFamilyRevoked(grant.token.familyID))
            #expect(try await stores.refreshTokens.find(digest: first.replacementDigest)?.revokedAt == now.addingTimeInterval(1))
            #expect(try await stores.refreshTokens.rotate(use(try #require(try await stores.refreshTokens.find(digest: first.replacementDigest)).record,
                                                              at: now.addingTimeInterval(2))) == .revoked,
                    "the replacement died with its family")
        },
        ConformanceCheck("RefreshTokenStore: another client's token, an unknown token and one whose user is gone are notFound, untouched") { stores async throws in
            let grant = try await grant(stores)
            let thief = try await Fixtures.createdClient(stores)
            #expect(try await stores.refreshTokens.rotate(use(grant.token, client: thief.id, at: grant.now)) == .notFound)
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest)?.isActive(at: grant.now) == true)
            var unknown = grant.token
            unknown.digest = Fixtures.digest()
            #expect(try await stores.refreshTokens.rotate(use(unknown, at: grant.now)) == .notFound)
            #expect(try await stores.deleteUser(grant.user.id))
            #expect(try await stores.refreshTokens.rotate(use(grant.token, at: grant.now)) == .notFound)
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest) == nil, "gone with its user")
        },
        ConformanceCheck("RefreshTokenStore: tokens go with their client") { stores async throws in
            let grant = try await grant(stores)
            #expect(try await stores.clients.delete(id: grant.client.id))
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest) == nil)
            #expect(try await stores.refreshTokens.rotate(use(grant.token, at: grant.now)) == .notFound)
        },
        ConformanceCheck("RefreshTokenStore: an idle-expired token and a token past its family's end are expired") { stores async throws in
            let idle = try await grant(stores, idle: 60, absolute: 3600)
            #expect(try await stores.refreshTokens.rotate(use(idle.token, at: idle.token.expiresAt)) == .expired)
            let absolute = try await grant(stores, idle: 3600, absolute: 60)
            #expect(try await stores.refreshTokens.rotate(use(absolute.token, at: absolute.token.familyExpiresAt)) == .expired)
            #expect(try await stores.refreshTokens.rotate(use(idle.token, at: idle.now.addingTimeInterval(59))) != .expired,
                    "a moment before, it still rotates")
        },
        ConformanceCheck("RefreshTokenStore: asking for more than the family holds is refused and leaves the token usable (RFC 6749 §6)") { stores async throws in
            let grant = try await grant(stores)
            #expect(try await stores.refreshTokens.rotate(use(grant.token, at: grant.now, scopes: ["openid", "admin"])) == .refused)
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest)?.usedAt == nil)
            guard case .rotated(let narrowed, _) = try await stores.refreshTokens.rotate(use(grant.token, at: grant.now, scopes: ["email"])) else {
                Issue.record("a narrower scope must rotate")
                return
            }
            #expect(narrowed.scopes == grant.token.scopes, "the refresh token keeps the family's scope")
        },
        ConformanceCheck("RefreshTokenStore: a revoked family refuses its tokens, also one stored after the revocation") { stores async throws in
            let grant = try await grant(stores)
            let at = grant.now.addingTimeInterval(5)
            try await stores.refreshTokens.revokeFamily(grant.token.familyID, at: at)
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest)?.revokedAt == at)
            #expect(try await stores.refreshTokens.rotate(use(grant.token, at: at)) == .revoked)
            let late = record(family: grant.token.familyID, user: grant.user, client: grant.client, at: at.addingTimeInterval(1))
            try await stores.refreshTokens.insert(late)
            #expect(try await stores.refreshTokens.find(digest: late.digest)?.revokedAt == at, "revoked from the start")
            #expect(try await stores.refreshTokens.rotate(use(late, at: at.addingTimeInterval(2))) == .revoked)
            #expect(try await stores.refreshTokens.isFamilyRevoked(grant.token.familyID))
            try await stores.refreshTokens.revokeFamily(grant.token.familyID, at: at.addingTimeInterval(9))
            #expect(try await stores.refreshTokens.find(digest: grant.token.digest)?.revokedAt == at, "the first revocation's time stays")
        },
        ConformanceCheck("RefreshTokenStore: revoking all of a user's tokens returns each family with a live token once") { stores async throws in
            let grant = try await grant(stores)
            let second = record(family: UUID(), user: grant.user, client: grant.client, at: grant.now)
            try await stores.refreshTokens.insert(second)
            _ = try await stores.refreshTokens.rotate(use(grant.token, at: grant.now.addingTimeInterval(1)))
            let someoneElse = try await Self.grant(stores)
            let at = grant.now.addingTimeInterval(10)
            let families = try await stores.refreshTokens.revokeAll(userID: grant.user.id, clientID: nil, at: at)
            #expect(Set(families) == [grant.token.familyID, second.familyID])
            #expect(families.count == 2)
            #expect(try await stores.refreshTokens.isFamilyRevoked(grant.token.familyID))
            #expect(try await stores.refreshTokens.isFamilyRevoked(second.familyID))
            #expect(try await stores.refreshTokens.isFamilyRevoked(someoneElse.token.familyID) == false)
            #expect(try await stores.refreshTokens.revokeAll(userID: grant.user.id, clientID: nil, at: at) == [], "nothing live is left")
        },
        ConformanceCheck("RefreshTokenStore: revoking a user's tokens of one client leaves the other clients' alone") { stores async throws in
            let grant = try await grant(stores)
            let other = try await Fixtures.createdClient(stores)
            let kept = record(family: UUID(), user: grant.user, client: other, at: grant.now)
            try await stores.refreshTokens.insert(kept)
            #expect(try await stores.refreshTokens.revokeAll(userID: grant.user.id, clientID: grant.client.id, at: grant.now)
                    == [grant.token.familyID])
            #expect(try await stores.refreshTokens.find(digest: kept.digest)?.isActive(at: grant.now) == true)
            #expect(try await stores.refreshTokens.isFamilyRevoked(kept.familyID) == false)
        },
        ConformanceCheck("RefreshTokenStore: a family nobody revoked is not revoked, known or unknown") { stores async throws in
            let grant = try await grant(stores)
            #expect(try await stores.refreshTokens.isFamilyRevoked(grant.token.familyID) == false)
            #expect(try await stores.refreshTokens.isFamilyRevoked(UUID()) == false)
        },
        ConformanceCheck("RefreshTokenStore: of parallel uses of one token exactly one rotates; the rest see reuse") { stores async throws in
            let grant = try await grant(stores)
            let outcomes = try await withThrowingTaskGroup(of: RefreshRotation.self) { group in
                for index in 0..<8 {
                    group.addTask { try await stores.refreshTokens.rotate(use(grant.token, at: grant.now.addingTimeInterval(Double(index)))) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .rotated = $0 { true } else { false } }.count == 1)
            #expect(outcomes.allSatisfy { if case .rotated = $0 { true } else { $0 == .reused(familyID: grant.token.familyID) || $0 == .revoked } })
        },
    ]
}
