import Foundation
import GatehouseCore
import Testing

/// `AuthorizationStateStore`'s contract (Ports/Stores.swift): pending requests within a byte
/// budget decided in one step; codes consumed once and only by a request bound like them, leaving
/// a marker a second use finds; revocations kept until they no longer matter.
public enum AuthorizationStateStoreConformance {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let ttl = Duration.seconds(1800)

    static func request(state: String = "s") -> PendingAuthorization {
        PendingAuthorization(clientID: "web", redirectURI: "https://app.example/cb", scopes: ["openid"], state: state, nonce: "n",
                             codeChallenge: nil, prompt: [], maxAge: nil, loginHint: nil, expectedSubject: nil,
                             responseMode: .query, createdAt: start)
    }

    /// What one request costs against a budget: the stored value (`owner "\n" JSON`) and the store's bookkeeping.
    static func size(_ stores: EphemeralStores, owner: String, state: String = "s") throws -> Int {
        (owner + "\n").utf8.count + (try JSONEncoder().encode(request(state: state))).count + stores.pendingBookkeepingBytes
    }

    static func code(client: String = "client-a", challenge: String? = "challenge-a") -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(clientID: client, redirectURI: "https://app.example/cb", userID: UUID(), scopes: ["openid"],
                                nonce: "n", codeChallenge: challenge, sessionID: UUID(), authTime: start, amr: ["pwd"], issuedAt: start)
    }

    static func marker(_ binding: CodeBinding) -> CodeUseMarker {
        CodeUseMarker(binding: binding, accessTokenID: UUID().uuidString, accessTokenExpiresAt: start.addingTimeInterval(900), grantID: UUID())
    }

    static func consume(_ stores: EphemeralStores, _ digest: [UInt8], _ presented: CodeBinding,
                        markerTTL: Duration = .seconds(60)) async throws -> CodeConsumption {
        try await stores.states.consumeCode(digest: digest, presented: presented, marker: marker(presented), markerTTL: markerTTL)
    }

    public static let checks: [ConformanceCheck<EphemeralStores>] = [
        ConformanceCheck("AuthorizationStateStore: an owner keeps what fits its bytes; the refusal says when its oldest expires; owners are apart") { stores async throws in
            let one = try size(stores, owner: "203.0.113.1")
            let limits = PendingAuthorizationLimits(bytesPerOwner: 3 * one, bytesTotal: 100 * one)
            for index in 0..<3 {
                #expect(try await stores.states.startPending(request(), id: "a\(index)", ttl: ttl, owner: "203.0.113.1", limits: limits,
                                                             now: start.addingTimeInterval(Double(index * 60))) == .stored)
            }
            #expect(try await stores.states.startPending(request(), id: "a3", ttl: ttl, owner: "203.0.113.1", limits: limits,
                                                         now: start.addingTimeInterval(600)) == .ownerFull(retryAfter: .seconds(1200)))
            #expect(try await stores.states.pending(id: "a3") == nil, "nothing stored")
            #expect(try await stores.states.startPending(request(), id: "b0", ttl: ttl, owner: "203.0.113.2", limits: limits,
                                                         now: start.addingTimeInterval(600)) == .stored)
            #expect(try await stores.states.startPending(request(), id: "a4", ttl: ttl, owner: "203.0.113.1", limits: limits,
                                                         now: start.addingTimeInterval(1800)) == .stored, "the oldest expired")
        },
        ConformanceCheck("AuthorizationStateStore: bytes, not requests: a long request takes more; a deleted one gives its bytes back") { stores async throws in
            let long = String(repeating: "x", count: 2000)
            let limits = PendingAuthorizationLimits(bytesPerOwner: try size(stores, owner: "203.0.113.8", state: long) + 10, bytesTotal: 0)
            #expect(try await stores.states.startPending(request(state: long), id: "l0", ttl: ttl, owner: "203.0.113.8", limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "l1", ttl: ttl, owner: "203.0.113.8", limits: limits, now: start)
                    == .ownerFull(retryAfter: ttl), "even a short one no longer fits")
            try await stores.states.deletePending(id: "l0")
            #expect(try await stores.states.pending(id: "l0") == nil)
            for index in 0..<3 {
                #expect(try await stores.states.startPending(request(), id: "s\(index)", ttl: ttl, owner: "203.0.113.8", limits: limits, now: start) == .stored)
            }
        },
        ConformanceCheck("AuthorizationStateStore: past the total every owner gets storeFull; ownerless requests count toward the total only") { stores async throws in
            let one = try size(stores, owner: "203.0.113.4")
            let limits = PendingAuthorizationLimits(bytesPerOwner: 10 * one, bytesTotal: 3 * one)
            #expect(try await stores.states.startPending(request(), id: "x0", ttl: ttl, owner: nil, limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "x1", ttl: ttl, owner: nil, limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "x2", ttl: ttl, owner: "203.0.113.4", limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "x3", ttl: ttl, owner: "203.0.113.5", limits: limits, now: start) == .storeFull)
            #expect(try await stores.states.startPending(request(), id: "x4", ttl: ttl, owner: nil, limits: limits, now: start) == .storeFull)
            try await stores.states.deletePending(id: "x0")
            #expect(try await stores.states.startPending(request(), id: "x5", ttl: ttl, owner: "203.0.113.5", limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "x6", ttl: ttl, owner: "203.0.113.5", limits: limits,
                                                         now: start.addingTimeInterval(1800)) == .stored, "expired ones leave the total")
        },
        ConformanceCheck("AuthorizationStateStore: saving replaces a request that exists, keeping its owner's count exact; it never creates one") { stores async throws in
            let one = try size(stores, owner: "203.0.113.6", state: "one")
            let limits = PendingAuthorizationLimits(bytesPerOwner: one + 100, bytesTotal: 10 * one)
            #expect(try await stores.states.savePending(request(), id: "ghost", ttl: ttl) == false)
            #expect(try await stores.states.pending(id: "ghost") == nil)
            #expect(try await stores.states.startPending(request(state: "one"), id: "p", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start) == .stored)
            var changed = request(state: "one")
            changed.authenticatedSessionID = UUID()
            #expect(try await stores.states.savePending(changed, id: "p", ttl: ttl))
            #expect(try await stores.states.pending(id: "p") == changed)
            let refused = try await stores.states.startPending(request(), id: "q", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start)
            guard case .ownerFull(let wait) = refused else { Issue.record("still counted for its owner, got \(refused)"); return }
            #expect(wait >= ttl, "the update moved its expiry later, never earlier")
            try await stores.states.deletePending(id: "p")
            #expect(try await stores.states.startPending(request(), id: "q", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "r", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start)
                    == .ownerFull(retryAfter: ttl), "the count is exact after the update and delete")
        },
        ConformanceCheck("AuthorizationStateStore: limits of 0 store without counting") { stores async throws in
            let limits = PendingAuthorizationLimits(bytesPerOwner: 0, bytesTotal: 0)
            for index in 0..<20 {
                #expect(try await stores.states.startPending(request(), id: "u\(index)", ttl: ttl, owner: "203.0.113.7", limits: limits, now: start) == .stored)
            }
            #expect(try await stores.states.pending(id: "u19") == request())
        },
        ConformanceCheck("AuthorizationStateStore: a pending request and a code live exactly their time to live") { stores async throws in
            let limits = PendingAuthorizationLimits(bytesPerOwner: 0, bytesTotal: 0)
            #expect(try await stores.states.startPending(request(), id: "short", ttl: Fixtures.shortLife, owner: nil, limits: limits, now: start) == .stored)
            #expect(try await stores.states.startPending(request(), id: "long", ttl: Fixtures.longLife, owner: nil, limits: limits, now: start) == .stored)
            let shortCode = code(), longCode = code(), shortDigest = Fixtures.digest(), longDigest = Fixtures.digest()
            try await stores.states.saveCode(shortCode, digest: shortDigest, ttl: Fixtures.shortLife)
            try await stores.states.saveCode(longCode, digest: longDigest, ttl: Fixtures.longLife)
            try await stores.elapse(Fixtures.pastShortLife)
            #expect(try await stores.states.pending(id: "long") == request())
            #expect(try await stores.states.pending(id: "short") == nil)
            #expect(try await stores.states.savePending(request(), id: "short", ttl: ttl) == false, "an expired request is not revived")
            #expect(try await consume(stores, longDigest, longCode.binding) == .fresh(longCode))
            #expect(try await consume(stores, shortDigest, shortCode.binding) == .notFound)
        },
        ConformanceCheck("AuthorizationStateStore: a request bound otherwise (client, redirect URI, PKCE) is told the code's binding and consumes nothing") { stores async throws in
            let record = code(), digest = Fixtures.digest()
            try await stores.states.saveCode(record, digest: digest, ttl: .seconds(60))
            for presented in [
                CodeBinding(clientID: "client-b", redirectURI: record.redirectURI, codeChallenge: "challenge-a"),
                CodeBinding(clientID: "client-a", redirectURI: "https://app.example/other", codeChallenge: "challenge-a"),
                CodeBinding(clientID: "client-a", redirectURI: record.redirectURI, codeChallenge: "challenge-b"),
                CodeBinding(clientID: "client-a", redirectURI: record.redirectURI, codeChallenge: nil),
            ] {
                #expect(try await consume(stores, digest, presented) == .mismatch(record.binding))
            }
            #expect(try await consume(stores, digest, record.binding) == .fresh(record), "the rightful request still gets the code")
        },
        ConformanceCheck("AuthorizationStateStore: the first matching use gets the code, a second the first use's marker; another client sees only the binding") { stores async throws in
            let record = code(challenge: nil), digest = Fixtures.digest()
            try await stores.states.saveCode(record, digest: digest, ttl: .seconds(60))
            let first = marker(record.binding)
            #expect(try await stores.states.consumeCode(digest: digest, presented: record.binding, marker: first, markerTTL: .seconds(60))
                    == .fresh(record))
            #expect(try await consume(stores, digest, record.binding) == .alreadyUsed(first))
            let thief = CodeBinding(clientID: "client-b", redirectURI: record.redirectURI, codeChallenge: nil)
            #expect(try await consume(stores, digest, thief) == .mismatch(record.binding))
            #expect(try await consume(stores, digest, record.binding) == .alreadyUsed(first), "the marker stays in place")
            #expect(try await consume(stores, Fixtures.digest(), record.binding) == .notFound)
        },
        ConformanceCheck("AuthorizationStateStore: the marker lasts its own time to live, then the code is unknown") { stores async throws in
            let short = code(), long = code(), shortDigest = Fixtures.digest(), longDigest = Fixtures.digest()
            try await stores.states.saveCode(short, digest: shortDigest, ttl: Fixtures.longLife)
            try await stores.states.saveCode(long, digest: longDigest, ttl: Fixtures.longLife)
            #expect(try await consume(stores, shortDigest, short.binding, markerTTL: Fixtures.shortLife) == .fresh(short))
            let marker = marker(long.binding)
            #expect(try await stores.states.consumeCode(digest: longDigest, presented: long.binding, marker: marker, markerTTL: Fixtures.longLife)
                    == .fresh(long))
            try await stores.elapse(Fixtures.pastShortLife)
            #expect(try await consume(stores, shortDigest, short.binding) == .notFound)
            #expect(try await consume(stores, longDigest, long.binding) == .alreadyUsed(marker))
        },
        ConformanceCheck("AuthorizationStateStore: of parallel uses of one code exactly one gets it") { stores async throws in
            let record = code(), digest = Fixtures.digest()
            try await stores.states.saveCode(record, digest: digest, ttl: .seconds(60))
            let outcomes = try await withThrowingTaskGroup(of: CodeConsumption.self) { group in
                for _ in 0..<8 { group.addTask { try await consume(stores, digest, record.binding) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .fresh(record) }.count == 1)
            #expect(outcomes.allSatisfy { if case .alreadyUsed = $0 { true } else { $0 == .fresh(record) } })
        },
        ConformanceCheck("AuthorizationStateStore: a revoked access token or grant is refused until its end, in one question") { stores async throws in
            let now = Date(), grant = UUID(), jti = UUID().uuidString
            #expect(try await stores.states.isAccessTokenRevoked(id: jti, grantID: grant) == false)
            try await stores.states.revokeGrant(id: grant, until: now.addingTimeInterval(Fixtures.shortLife.timeInterval), now: now)
            let lasting = UUID()
            try await stores.states.revokeGrant(id: lasting, until: now.addingTimeInterval(Fixtures.longLife.timeInterval), now: now)
            #expect(try await stores.states.isAccessTokenRevoked(id: jti, grantID: lasting))
            #expect(try await stores.states.isAccessTokenRevoked(id: jti, grantID: nil) == false, "a token without the grant is not touched")
            #expect(try await stores.states.isAccessTokenRevoked(id: jti, grantID: UUID()) == false)
            let other = UUID().uuidString
            try await stores.states.revokeAccessToken(id: other, until: now.addingTimeInterval(Fixtures.shortLife.timeInterval), now: now)
            let kept = UUID().uuidString
            try await stores.states.revokeAccessToken(id: kept, until: now.addingTimeInterval(Fixtures.longLife.timeInterval), now: now)
            #expect(try await stores.states.isAccessTokenRevoked(id: kept, grantID: nil))
            try await stores.elapse(Fixtures.pastShortLife)
            #expect(try await stores.states.isAccessTokenRevoked(id: jti, grantID: grant) == false, "past its end it no longer matters")
            #expect(try await stores.states.isAccessTokenRevoked(id: other, grantID: nil) == false)
            #expect(try await stores.states.isAccessTokenRevoked(id: jti, grantID: lasting), "until its end it does")
            #expect(try await stores.states.isAccessTokenRevoked(id: kept, grantID: nil))
        },
    ]
}
