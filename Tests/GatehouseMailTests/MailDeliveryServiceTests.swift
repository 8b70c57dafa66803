import Foundation
import GatehouseCore
@testable import GatehouseMail
import GatehousePostgres
import GatehouseTestingStack
import Logging
import ServiceLifecycle
import Testing

/// The background sender end to end: a PostgreSQL outbox of its own (a scratch database, so
/// no parallel test's rows are claimed), real SMTP to the test server, the clock moved by hand.
@Suite("MailDeliveryService: outbox → SMTP, retries with backoff, restarts, leases")
struct MailDeliveryServiceTests {
    static let migrations = ["0002_email_outbox.sql", "0012_email_outbox_redaction.sql"]

    struct Row {
        let status: String
        let attempts: Int
        let lastError: String?
        let nextAttemptAt: Date
        let messageID: String
    }

    func row(_ pool: PostgresPool, to recipient: String) async throws -> Row {
        let row = try #require(try await pool.query(
            "SELECT status, attempts, last_error, next_attempt_at, message_id FROM email_outbox WHERE recipient = $1",
            [.text(recipient)]).rows.first)
        return Row(status: try row.string("status"), attempts: try row.int("attempts"), lastError: try row.optionalString("last_error"),
                   nextAttemptAt: try row.date("next_attempt_at"), messageID: try row.string("message_id"))
    }

    func outbox(_ pool: PostgresPool, clock: any GatehouseCore.Clock, wake: WakeSignal? = nil) -> PostgresMailOutbox {
        PostgresMailOutbox(pool: pool, messageIDDomain: "id.gatehouse.test", clock: clock, onEnqueue: { wake?.fire() })
    }

    func mail(to recipient: String) -> OutgoingMail {
        OutgoingMail(to: recipient, subject: "Your verification code", textBody: "Code: 424242", htmlBody: "<p>Code: <b>424242</b></p>")
    }

    @Test("enqueue → the running service sends it promptly (woken, not polled) → the row is marked sent")
    func enqueueToSent() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let sender = try MailTestSupport.sender(try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL"))
            let wake = WakeSignal()
            let outbox = outbox(pool, clock: SystemClock(), wake: wake)
            // A poll interval far beyond the test's patience: only the wake-up can deliver in time.
            let service = MailDeliveryService(queue: outbox, transport: sender, clock: SystemClock(), wakeSignal: wake,
                                              settings: .init(pollInterval: .seconds(600)), logger: MailTestSupport.logger)
            let running = Task { try await service.run() }
            try await Task.sleep(for: .milliseconds(200))
            let recipient = MailTestSupport.uniqueRecipient("service")
            try await outbox.enqueue(mail(to: recipient))
            let stored = try await row(pool, to: recipient)
            let received = try await TestMail.waitFor(messageID: stored.messageID, timeout: .seconds(5))
            #expect(received.rcptTos == [recipient])
            #expect(received.subject == "Your verification code")
            #expect(received.text == "Code: 424242")
            try await TestMail.poll(timeout: .seconds(5), what: "the row marked sent") {
                try await row(pool, to: recipient).status == "sent" ? true : nil
            }
            let sent = try await row(pool, to: recipient)
            #expect(sent.attempts == 1)
            let sentAt = try await pool.query("SELECT sent_at FROM email_outbox WHERE recipient = $1", [.text(recipient)]).rows[0]
            #expect(try sentAt.optionalDate("sent_at") != nil)
            running.cancel()
            try await running.value
            await sender.shutdown()
        }
    }

    @Test("graceful shutdown of its service group stops the service in its wait at once, with no further claim",
          .timeLimit(.minutes(1)))
    func gracefulShutdown() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let (claims, claimed) = AsyncStream<Void>.makeStream()
            let queue = ClaimReportingQueue(inner: outbox(pool, clock: SystemClock()), claimed: claimed)
            // A poll interval far beyond the test's patience: only the shutdown can end the wait in time.
            let service = MailDeliveryService(queue: queue, transport: ConsoleMailTransport(), clock: SystemClock(),
                                              settings: .init(pollInterval: .seconds(600)), logger: MailTestSupport.logger)
            let group = ServiceGroup(configuration: .init(services: [service], logger: MailTestSupport.logger))
            var rounds = claims.makeAsyncIterator()
            let outcome = try await withThrowingTaskGroup(of: String.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return "stopped"
                }
                // The first round has claimed (nothing): the service is running and now waits.
                #expect(await rounds.next() != nil)
                await group.triggerGracefulShutdown()
                tasks.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return "still running 10 s after the shutdown began"
                }
                let first = try await tasks.next() ?? "no outcome"
                tasks.cancelAll()
                return first
            }
            #expect(outcome == "stopped")
            claimed.finish()
            var later = 0
            while await rounds.next() != nil { later += 1 }
            #expect(later == 0, "no claim once the shutdown began")
        }
    }

    @Test("SMTP down (nothing listening): retried with exponential backoff, attempts counted, error recorded, then given up")
    func retriesWithBackoff() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = outbox(pool, clock: clock)
            let sender = try MailTestSupport.sender(try SMTPLocation(url: "smtp://127.0.0.1:\(MailTestSupport.closedPort())"))
            let retry = MailRetryPolicy(maxAttempts: 3, firstDelay: .seconds(30), maxDelay: .seconds(3600))
            let service = MailDeliveryService(queue: outbox, transport: sender, clock: clock, settings: .init(retry: retry),
                                              logger: MailTestSupport.logger)
            let recipient = MailTestSupport.uniqueRecipient("down")
            try await outbox.enqueue(mail(to: recipient))
            let start = clock.now

            #expect(try await service.deliverBatch() == 1)
            var state = try await row(pool, to: recipient)
            #expect(state.status == "pending" && state.attempts == 1)
            #expect(state.lastError?.contains("127.0.0.1:1") == true, "\(state.lastError ?? "nil")")
            #expect(abs(state.nextAttemptAt.timeIntervalSince(start) - 30) < 0.01)

            #expect(try await service.deliverBatch() == 0, "not due before its backoff")
            clock.advance(by: 31)
            #expect(try await service.deliverBatch() == 1)
            state = try await row(pool, to: recipient)
            #expect(state.status == "pending" && state.attempts == 2)
            #expect(abs(state.nextAttemptAt.timeIntervalSince(clock.now) - 60) < 0.01, "the delay doubled")

            clock.advance(by: 61)
            #expect(try await service.deliverBatch() == 1)
            state = try await row(pool, to: recipient)
            #expect(state.status == "failed" && state.attempts == 3)
            #expect(state.lastError != nil)
            clock.advance(by: 7200)
            #expect(try await service.deliverBatch() == 0, "a failed row is never claimed again")
            await sender.shutdown()
        }
    }

    @Test("a permanent refusal (550) is given up at once, with the reason recorded")
    func permanentFailure() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = outbox(pool, clock: clock)
            let sender = try MailTestSupport.sender(try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL"))
            let service = MailDeliveryService(queue: outbox, transport: sender, clock: clock, logger: MailTestSupport.logger)
            try await outbox.enqueue(mail(to: "reject-permanent@example.test"))
            #expect(try await service.deliverBatch() == 1)
            let state = try await row(pool, to: "reject-permanent@example.test")
            #expect(state.status == "failed" && state.attempts == 1)
            #expect(state.lastError?.contains("550") == true, "\(state.lastError ?? "nil")")
            await sender.shutdown()
        }
    }

    @Test("a sender that crashed mid-send: after its lease the row is sent again with the same Message-ID")
    func crashedSenderIsRetried() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = outbox(pool, clock: clock)
            let recipient = MailTestSupport.uniqueRecipient("crash")
            try await outbox.enqueue(mail(to: recipient))
            // The "crashed" instance claims the row and is never heard of again.
            let lost = try await outbox.claim(limit: 10, leaseDuration: .seconds(300), maxAttempts: 10, now: clock.now)
            #expect(lost.count == 1)

            let sender = try MailTestSupport.sender(try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL"))
            let service = MailDeliveryService(queue: outbox, transport: sender, clock: clock, logger: MailTestSupport.logger)
            #expect(try await service.deliverBatch() == 0, "leased: not taken while the lease runs")
            clock.advance(by: 301)
            #expect(try await service.deliverBatch() == 1)
            let state = try await row(pool, to: recipient)
            #expect(state.status == "sent" && state.attempts == 2)
            #expect(state.messageID == lost[0].messageID)
            let received = try await TestMail.waitFor(messageID: lost[0].messageID)
            #expect(received.rcptTos == [recipient])
            await sender.shutdown()
        }
    }

    @Test("a restart loses nothing: a new service over the same table sends what the old one left")
    func restart() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let recipients = (0..<3).map { _ in MailTestSupport.uniqueRecipient("restart") }
            for recipient in recipients { try await outbox(pool, clock: clock).enqueue(mail(to: recipient)) }
            // "After the restart": a fresh outbox and service, no memory of the enqueues.
            let sender = try MailTestSupport.sender(try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL"))
            let service = MailDeliveryService(queue: outbox(pool, clock: clock), transport: sender, clock: clock,
                                              logger: MailTestSupport.logger)
            #expect(try await service.deliverBatch() == 3)
            for recipient in recipients {
                #expect(try await row(pool, to: recipient).status == "sent")
                #expect(try TestMail.received(to: recipient).count == 1)
            }
            await sender.shutdown()
        }
    }
}

/// The outbox, reporting each claim: a test sees when the service's loop has run a round.
private struct ClaimReportingQueue: MailQueue {
    let inner: any MailQueue
    let claimed: AsyncStream<Void>.Continuation

    func claim(limit: Int, leaseDuration: Duration, maxAttempts: Int, now: Date) async throws -> [QueuedMail] {
        let batch = try await inner.claim(limit: limit, leaseDuration: leaseDuration, maxAttempts: maxAttempts, now: now)
        claimed.yield()
        return batch
    }

    func markSent(_ mail: QueuedMail, at date: Date) async throws {
        try await inner.markSent(mail, at: date)
    }

    func markFailed(_ mail: QueuedMail, error: String, retryAt: Date?, at date: Date) async throws {
        try await inner.markFailed(mail, error: error, retryAt: retryAt, at: date)
    }
}
