import Foundation
import GatehouseCore
import GatehouseRedis
import Testing

/// Pending authorization requests against the real Redis: stored within a byte budget per owner
/// and in all, decided atomically, and counted only while they are kept.
@Suite("RedisAuthorizationStateStore: pending requests within their budget")
struct RedisPendingAuthorizationBudgetTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let ttl = Duration.seconds(1800)

    func withStore(_ body: (RedisAuthorizationStateStore) async throws -> Void) async throws {
        try await RedisTestSupport.withPool(maxConnections: 8) { pool in
            try await body(RedisAuthorizationStateStore(pool: pool, prefix: "test:\(UUID().uuidString):"))
        }
    }

    func request(state: String = "s") -> PendingAuthorization {
        PendingAuthorization(clientID: "web", redirectURI: "https://app.example/cb", scopes: ["openid"], state: state, nonce: "n",
                             codeChallenge: nil, prompt: [], maxAge: nil, loginHint: nil, expectedSubject: nil,
                             responseMode: .query, createdAt: start)
    }

    /// What one request of `request()`'s shape costs against a budget: its value and the bookkeeping.
    func size(owner: String, state: String = "s") throws -> Int {
        (owner + "\n").utf8.count + (try JSONEncoder().encode(request(state: state))).count + RedisAuthorizationStateStore.bookkeepingBytes
    }

    @Test("an owner keeps what fits its bytes; the refusal says when its oldest expires; other owners are apart")
    func perOwner() async throws {
        try await withStore { store async throws in
            let one = try size(owner: "203.0.113.1")
            let limits = PendingAuthorizationLimits(bytesPerOwner: 3 * one, bytesTotal: 100 * one)
            for index in 0..<3 {
                let at = start.addingTimeInterval(Double(index * 60))
                #expect(try await store.startPending(request(), id: "a\(index)", ttl: ttl, owner: "203.0.113.1", limits: limits, now: at) == .stored)
            }
            let refused = try await store.startPending(request(), id: "a3", ttl: ttl, owner: "203.0.113.1", limits: limits,
                                                       now: start.addingTimeInterval(600))
            #expect(refused == .ownerFull(retryAfter: .seconds(1200)), "the first expires 1800 s after it started")
            #expect(try await store.pending(id: "a3") == nil, "nothing stored")
            #expect(try await store.startPending(request(), id: "b0", ttl: ttl, owner: "203.0.113.2", limits: limits,
                                                 now: start.addingTimeInterval(600)) == .stored)
            #expect(try await store.startPending(request(), id: "a4", ttl: ttl, owner: "203.0.113.1", limits: limits,
                                                 now: start.addingTimeInterval(1800)) == .stored, "the oldest expired")
        }
    }

    @Test("bytes, not requests: a request with long values takes more of the budget")
    func bytes() async throws {
        try await withStore { store async throws in
            let long = String(repeating: "x", count: 2000)
            let limits = PendingAuthorizationLimits(bytesPerOwner: try size(owner: "203.0.113.8", state: long) + 10, bytesTotal: 0)
            #expect(try await store.startPending(request(state: long), id: "l0", ttl: ttl, owner: "203.0.113.8", limits: limits, now: start) == .stored)
            #expect(try await store.startPending(request(), id: "l1", ttl: ttl, owner: "203.0.113.8", limits: limits, now: start)
                    == .ownerFull(retryAfter: ttl), "even a short one no longer fits")
            try await store.deletePending(id: "l0")
            for index in 0..<3 {
                #expect(try await store.startPending(request(), id: "s\(index)", ttl: ttl, owner: "203.0.113.8", limits: limits, now: start) == .stored,
                        "the long one's bytes hold several short ones")
            }
        }
    }

    @Test("a deleted request stops counting at once: finished sign-ins never fill the budget")
    func deleteGivesBack() async throws {
        try await withStore { store async throws in
            let one = try size(owner: "203.0.113.3")
            let limits = PendingAuthorizationLimits(bytesPerOwner: 2 * one, bytesTotal: 2 * one)
            for index in 0..<50 {
                #expect(try await store.startPending(request(), id: "r\(index)", ttl: ttl, owner: "203.0.113.3", limits: limits, now: start) == .stored)
                try await store.deletePending(id: "r\(index)")
            }
        }
    }

    @Test("past the total every owner is refused with storeFull; ownerless requests count toward the total only")
    func total() async throws {
        try await withStore { store async throws in
            let one = try size(owner: "203.0.113.4")   // the longest owner here: every request fits in `one`
            let limits = PendingAuthorizationLimits(bytesPerOwner: 10 * one, bytesTotal: 3 * one)
            #expect(try await store.startPending(request(), id: "x0", ttl: ttl, owner: nil, limits: limits, now: start) == .stored)
            #expect(try await store.startPending(request(), id: "x1", ttl: ttl, owner: nil, limits: limits, now: start) == .stored)
            #expect(try await store.startPending(request(), id: "x2", ttl: ttl, owner: "203.0.113.4", limits: limits, now: start) == .stored)
            #expect(try await store.startPending(request(), id: "x3", ttl: ttl, owner: "203.0.113.5", limits: limits, now: start) == .storeFull)
            #expect(try await store.startPending(request(), id: "x4", ttl: ttl, owner: nil, limits: limits, now: start) == .storeFull)
            try await store.deletePending(id: "x0")
            #expect(try await store.startPending(request(), id: "x5", ttl: ttl, owner: "203.0.113.5", limits: limits, now: start) == .stored)
            #expect(try await store.startPending(request(), id: "x6", ttl: ttl, owner: "203.0.113.5", limits: limits,
                                                 now: start.addingTimeInterval(1800)) == .stored, "expired ones leave the total")
        }
    }

    @Test("saving replaces an existing request, keeps its owner and its count right; it never creates one")
    func update() async throws {
        try await withStore { store async throws in
            let one = try size(owner: "203.0.113.6", state: "one")
            let limits = PendingAuthorizationLimits(bytesPerOwner: one + 100, bytesTotal: 10 * one)
            #expect(try await store.savePending(request(), id: "ghost", ttl: ttl) == false)
            #expect(try await store.pending(id: "ghost") == nil, "an update cannot bring a request into being outside the budget")
            #expect(try await store.startPending(request(state: "one"), id: "p", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start) == .stored)
            var changed = request(state: "one")
            changed.authenticatedSessionID = UUID()
            #expect(try await store.savePending(changed, id: "p", ttl: ttl))
            #expect(try await store.pending(id: "p") == changed)
            let refused = try await store.startPending(request(), id: "q", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start)
            guard case .ownerFull(let wait) = refused else { Issue.record("still counted for its owner, got \(refused)"); return }
            #expect(wait >= ttl, "the update moved its expiry later, never earlier")
            try await store.deletePending(id: "p")
            #expect(try await store.startPending(request(), id: "q", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start) == .stored,
                    "deleting the updated (larger) request gave all its bytes back")
            #expect(try await store.startPending(request(), id: "r", ttl: ttl, owner: "203.0.113.6", limits: limits, now: start)
                    == .ownerFull(retryAfter: ttl), "and no more: the count is exact after the update and delete")
        }
    }

    @Test("limits of 0 store without counting")
    func unlimited() async throws {
        try await withStore { store async throws in
            let limits = PendingAuthorizationLimits(bytesPerOwner: 0, bytesTotal: 0)
            for index in 0..<20 {
                #expect(try await store.startPending(request(), id: "u\(index)", ttl: ttl, owner: "203.0.113.7", limits: limits, now: start) == .stored)
            }
            #expect(try await store.pending(id: "u19") == request())
        }
    }
}
