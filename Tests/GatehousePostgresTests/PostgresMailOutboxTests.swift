import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// The outbox table's contract, each test in a scratch database of its own (claims take "every
/// due row", which must not include rows that tests running in parallel write).
@Suite("PostgresMailOutbox: enqueue, claims under a lease, outcomes")
struct PostgresMailOutboxTests {
    static let migrations = ["0002_email_outbox.sql", "0012_email_outbox_redaction.sql"]

    func mail(_ index: Int = 0) -> OutgoingMail {
        OutgoingMail(to: "user\(index)@example.test", subject: "Subject \(index)", textBody: "Body \(index)")
    }

    @Test("enqueue stores a pending row with a Message-ID <uuid@domain>; recent() lists newest first")
    func enqueue() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "id.example.test", clock: clock)
            try await outbox.enqueue(OutgoingMail(to: "a@example.test", subject: "First", textBody: "one", htmlBody: "<p>one</p>"))
            clock.advance(by: 1)
            try await outbox.enqueue(OutgoingMail(to: "b@example.test", subject: "Second", textBody: "two"))
            let recent = try await outbox.recent(limit: 10)
            #expect(recent.map(\.subject) == ["Second", "First"])
            #expect(recent.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.sentAt == nil })
            let first = try #require(recent.last)
            #expect(first.to == "a@example.test" && first.textBody == "one")
            #expect(first.messageID == "<\(first.id.uuidString.lowercased())@id.example.test>")
            #expect(try await outbox.recent(limit: 1).count == 1)
        }
    }

    @Test("a disabled outbox refuses to enqueue; a mail with a line break in a header is refused")
    func refusals() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let disabled = PostgresMailOutbox(pool: pool, isEnabled: false, messageIDDomain: "x.test", clock: TestClock())
            #expect(!disabled.isEnabled)
            await #expect(throws: MailDisabledError.self) { try await disabled.enqueue(mail()) }
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: TestClock())
            await #expect(throws: InvalidMailError.self) {
                try await outbox.enqueue(OutgoingMail(to: "a@example.test", subject: "Hi\r\nBcc: eve@example.test", textBody: "x"))
            }
            await #expect(throws: InvalidMailError.self) { try await outbox.enqueue(OutgoingMail(to: "nobody", subject: "Hi", textBody: "x")) }
            #expect(try await outbox.recent(limit: 10).isEmpty)
        }
    }

    @Test("two senders claiming at the same time never take the same row (FOR UPDATE SKIP LOCKED)")
    func concurrentClaimsAreDisjoint() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations, maxConnections: 6) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            for index in 0..<60 { try await outbox.enqueue(mail(index)) }
            let now = clock.now
            let claims = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var taken: [UUID] = []
                        while true {
                            let batch = try await outbox.claim(limit: 3, leaseDuration: .seconds(300), maxAttempts: 10, now: now)
                            if batch.isEmpty { return taken }
                            taken += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[UUID]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 60, "every row claimed exactly once")
            #expect(Set(all).count == 60, "no row claimed twice")
        }
    }

    @Test("a claim skips rows another sender holds locked, without waiting for it (SKIP LOCKED)")
    func claimSkipsLockedRows() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations, maxConnections: 4) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            for index in 0..<10 { try await outbox.enqueue(mail(index)) }
            // Another sender's transaction holds three rows while this claim runs: deterministic,
            // where two claimers racing may or may not overlap on a loaded machine.
            let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
            let holder = Task {
                try await pool.transaction { connection -> [UUID] in
                    let ids = try connection.query("SELECT id FROM email_outbox ORDER BY created_at, id LIMIT 3 FOR UPDATE", [])
                        .rows.map { try $0.uuid("id") }
                    locked.signal()
                    release.wait()
                    return ids
                }
            }
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async { locked.wait(); done.resume() }
            }
            let claimed: [QueuedMail]
            do {
                claimed = try await outbox.claim(limit: 100, leaseDuration: .seconds(300), maxAttempts: 10, now: clock.now)
            } catch {
                release.signal()
                throw error
            }
            release.signal()
            let held = Set(try await holder.value)
            #expect(held.count == 3)
            #expect(claimed.count == 7, "every row but the three held")
            #expect(Set(claimed.map(\.id)).isDisjoint(with: held))
        }
    }

    @Test("a claim holds its rows for the lease; after it runs out the row is claimed again, same Message-ID, attempt 2")
    func leaseExpiry() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(mail())
            let first = try await outbox.claim(limit: 5, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            #expect(first.count == 1 && first[0].attempts == 1)
            #expect(try await outbox.claim(limit: 5, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now.addingTimeInterval(59)).isEmpty)
            let second = try await outbox.claim(limit: 5, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now.addingTimeInterval(61))
            #expect(second.count == 1)
            #expect(second[0].id == first[0].id && second[0].messageID == first[0].messageID && second[0].attempts == 2)
            #expect(second[0].lease != first[0].lease)

            // The first (presumed dead) sender reports late: its failure no longer counts.
            try await outbox.markFailed(first[0], error: "late", retryAt: clock.now.addingTimeInterval(3600), at: clock.now)
            #expect(try await outbox.recent(limit: 1)[0].status == .pending)
            // A success counts whoever reports it.
            try await outbox.markSent(first[0], at: clock.now.addingTimeInterval(62))
            let sent = try await outbox.recent(limit: 1)[0]
            #expect(sent.status == .sent && sent.sentAt != nil)
        }
    }

    @Test("markFailed with a retry time keeps the row until then; without one it is given up for good")
    func failureOutcomes() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(mail())
            let claimed = try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            try await outbox.markFailed(claimed[0], error: "connection refused", retryAt: clock.now.addingTimeInterval(120), at: clock.now)
            #expect(try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now.addingTimeInterval(119)).isEmpty)
            let again = try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now.addingTimeInterval(121))
            #expect(again.count == 1 && again[0].attempts == 2)
            try await outbox.markFailed(again[0], error: String(repeating: "x", count: 5000), retryAt: nil, at: clock.now)
            let row = try await pool.query("SELECT status, last_error FROM email_outbox").rows[0]
            #expect(try row.string("status") == "failed")
            #expect(try row.string("last_error").count == 1000)
            #expect(try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now.addingTimeInterval(99_999)).isEmpty)
        }
    }

    @Test("a row whose senders keep dying is given up once out of attempts, not claimed forever")
    func abandonedRowsAreGivenUp() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(mail())
            for attempt in 1...2 {
                let claimed = try await outbox.claim(limit: 1, leaseDuration: .seconds(10), maxAttempts: 2, now: clock.now)
                #expect(claimed.first?.attempts == attempt)
                clock.advance(by: 11)
            }
            #expect(try await outbox.claim(limit: 1, leaseDuration: .seconds(10), maxAttempts: 2, now: clock.now).isEmpty)
            let row = try await pool.query("SELECT status, last_error FROM email_outbox").rows[0]
            #expect(try row.string("status") == "failed")
            #expect(try row.string("last_error").contains("lease expired"))
        }
    }
}
