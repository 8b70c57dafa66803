import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("Ended browser sessions are deleted a day after they end")
struct BrowserSessionRetentionTests {
    @Test("a purge takes every session ended over a day ago, batch after batch, and leaves the rest")
    func purge() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let store = InMemorySessionStore()
        let sessions = BrowserSessions(store: store, crypto: TestCrypto(seed: 1), settings: ProviderSettings(issuer: "https://id.example"),
                                       clock: clock)
        let userID = UUID()
        func session(started: TimeInterval, lifetime: TimeInterval) async throws -> BrowserSession {
            let start = clock.now.addingTimeInterval(started)
            let made = BrowserSession(id: UUID(), userID: userID, authTime: start, amr: ["pwd"], createdAt: start,
                                      expiresAt: start.addingTimeInterval(lifetime), lastSeenAt: start, ipAddress: nil, userAgent: nil)
            try await store.create(made, tokenDigest: Array(made.id.uuidString.utf8))
            return made
        }
        // More than two batches expired two days ago, one revoked two days ago.
        for _ in 0..<(2 * BrowserSessions.purgeBatch + 7) { _ = try await session(started: -3 * 86400, lifetime: 86400) }
        let revokedLongAgo = try await session(started: -3 * 86400, lifetime: 30 * 86400)
        try await store.revoke(id: revokedLongAgo.id, at: clock.now.addingTimeInterval(-2 * 86400))
        // Ended within the day, and live: they stay.
        let expiredRecently = try await session(started: -86400, lifetime: 86400 - 3600)
        let revokedRecently = try await session(started: -3600, lifetime: 86400)
        try await store.revoke(id: revokedRecently.id, at: clock.now.addingTimeInterval(-60))
        let live = try await session(started: -60, lifetime: 86400)

        #expect(try await sessions.purgeEnded() == 2 * BrowserSessions.purgeBatch + 8)
        // (`find(id:)` answers nil for a revoked session, so only the unrevoked ones are looked up.)
        for kept in [expiredRecently, live] {
            #expect(try await store.find(id: kept.id)?.id == kept.id)
        }
        #expect(try await sessions.purgeEnded() == 0)
        clock.advance(by: 86400)
        #expect(try await sessions.purgeEnded() == 2, "a day on, the two ended within the day go; the live one has not ended yet")
    }
}
