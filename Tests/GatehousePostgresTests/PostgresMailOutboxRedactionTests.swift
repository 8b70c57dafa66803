import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Mail bodies hold reset links and codes: the outbox keeps them only while the mail may still be
/// sent. Sent or given up, a row keeps its delivery record (recipient, redacted subject, status,
/// times, attempts, Message-ID, last error) and loses the bodies. Each test in a scratch database.
@Suite("PostgresMailOutbox: bodies removed once a mail is sent or given up")
struct PostgresMailOutboxRedactionTests {
    static let migrations = ["0002_email_outbox.sql", "0012_email_outbox_redaction.sql"]

    /// A code mail as `MailComposer` writes it: the code in the subject too.
    func codeMail(_ recipient: String = "user@example.test") -> OutgoingMail {
        OutgoingMail(to: recipient, subject: "493817 is your Gatehouse verification code",
                     textBody: "Your code is 493817. Or open https://id.example.test/verify-email/link?ticket=t&token=secret-link",
                     htmlBody: "<p>Your code is <b>493817</b></p>", redactedSubject: "[code] is your Gatehouse verification code")
    }

    struct Stored {
        let subject: String
        let textBody: String?
        let htmlBody: String?
        let redactedSubject: String?
        let status: String
        let attempts: Int
        let lastError: String?
        let sentAt: Date?
        let bodyRemovedAt: Date?
        let recipient: String
        let messageID: String
    }

    /// The mail as a sender gets it: what to send (the redacted subject stays in the outbox).
    func queued(_ mail: OutgoingMail) -> OutgoingMail {
        var sent = mail
        sent.redactedSubject = nil
        return sent
    }

    /// Equal to PostgreSQL's microsecond precision (`TestClock` ticks a millisecond per reading).
    func same(_ stored: Date?, _ expected: Date) -> Bool {
        stored.map { abs($0.timeIntervalSince(expected)) < 0.0001 } ?? false
    }

    func stored(_ pool: PostgresPool) async throws -> Stored {
        let row = try #require(try await pool.query(
            """
            SELECT subject, text_body, html_body, redacted_subject, status, attempts, last_error, sent_at, body_removed_at,
                   recipient, message_id
            FROM email_outbox
            """).rows.first)
        return Stored(subject: try row.string("subject"), textBody: try row.optionalString("text_body"),
                      htmlBody: try row.optionalString("html_body"), redactedSubject: try row.optionalString("redacted_subject"),
                      status: try row.string("status"), attempts: try row.int("attempts"), lastError: try row.optionalString("last_error"),
                      sentAt: try row.optionalDate("sent_at"), bodyRemovedAt: try row.optionalDate("body_removed_at"),
                      recipient: try row.string("recipient"), messageID: try row.string("message_id"))
    }

    @Test("a sent mail keeps its delivery record, not its bodies or the code in its subject")
    func sentMailLosesItsBody() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(codeMail())
            let waiting = try await stored(pool)
            #expect(waiting.textBody?.contains("493817") == true && waiting.subject.hasPrefix("493817"), "kept until it is sent")

            let claimed = try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            #expect(claimed.first?.mail == queued(codeMail()), "the sender gets the whole mail")
            clock.advance(by: 2)
            let sentAt = clock.now
            try await outbox.markSent(claimed[0], at: sentAt)

            let sent = try await stored(pool)
            #expect(sent.textBody == nil && sent.htmlBody == nil && sent.redactedSubject == nil)
            #expect(sent.subject == "[code] is your Gatehouse verification code")
            #expect(sent.status == "sent" && sent.attempts == 1)
            #expect(same(sent.sentAt, sentAt) && same(sent.bodyRemovedAt, sentAt))
            #expect(sent.recipient == "user@example.test" && sent.messageID == claimed[0].messageID)
            let listed = try #require(try await outbox.recent(limit: 1).first)
            #expect(listed.textBody == nil && listed.subject == "[code] is your Gatehouse verification code")
        }
    }

    @Test("a failure that will be retried keeps the body for the next attempt; a mail given up loses it, keeping the error")
    func givenUpMailLosesItsBody() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(codeMail())
            let first = try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            try await outbox.markFailed(first[0], error: "connection refused", retryAt: clock.now.addingTimeInterval(30), at: clock.now)
            let retrying = try await stored(pool)
            #expect(retrying.status == "pending" && retrying.textBody == codeMail().textBody && retrying.bodyRemovedAt == nil)

            clock.advance(by: 31)
            let second = try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            #expect(second.first?.mail == queued(codeMail()), "the retry sends the same mail")
            let gaveUpAt = clock.now
            try await outbox.markFailed(second[0], error: "550 no such user", retryAt: nil, at: gaveUpAt)

            let failed = try await stored(pool)
            #expect(failed.status == "failed" && failed.lastError == "550 no such user" && failed.attempts == 2)
            #expect(failed.textBody == nil && failed.htmlBody == nil && failed.subject == "[code] is your Gatehouse verification code")
            #expect(same(failed.bodyRemovedAt, gaveUpAt))
        }
    }

    @Test("a mail whose senders kept dying is given up without its body")
    func abandonedMailLosesItsBody() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(codeMail())
            for _ in 1...2 {
                _ = try await outbox.claim(limit: 1, leaseDuration: .seconds(10), maxAttempts: 2, now: clock.now)
                clock.advance(by: 11)
            }
            #expect(try await outbox.claim(limit: 1, leaseDuration: .seconds(10), maxAttempts: 2, now: clock.now).isEmpty)
            let abandoned = try await stored(pool)
            #expect(abandoned.status == "failed" && abandoned.lastError?.contains("lease expired") == true)
            #expect(abandoned.textBody == nil && abandoned.htmlBody == nil && abandoned.subject == "[code] is your Gatehouse verification code")
        }
    }

    @Test("a mail without a secret subject keeps its subject; the database refuses a pending mail without a body")
    func plainSubjectAndPendingBody() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            try await outbox.enqueue(OutgoingMail(to: "a@example.test", subject: "Reset your Gatehouse password",
                                                  textBody: "https://id.example.test/reset-password?token=secret"))
            let claimed = try await outbox.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            try await outbox.markSent(claimed[0], at: clock.now)
            let sent = try await stored(pool)
            #expect(sent.subject == "Reset your Gatehouse password" && sent.textBody == nil)
            await #expect(throws: PostgresError.self) {
                _ = try await pool.query(
                    """
                    INSERT INTO email_outbox (id, message_id, recipient, subject, text_body, next_attempt_at, created_at)
                    VALUES ($1, 'm@x', 'b@example.test', 's', NULL, now(), now())
                    """, [.uuid(UUID())])
            }
        }
    }

    @Test("development mode's outbox keeps delivered bodies for /dev/mailbox; serve outside it removes them at start")
    func developmentBodies() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let development = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock, keepsBodies: true)
            try await development.enqueue(codeMail())
            let claimed = try await development.claim(limit: 1, leaseDuration: .seconds(60), maxAttempts: 5, now: clock.now)
            try await development.markSent(claimed[0], at: clock.now)
            #expect(try await development.recent(limit: 1).first?.textBody == codeMail().textBody)
            #expect(try await stored(pool).subject == codeMail().subject)

            // A pending mail keeps its body through the start-up sweep.
            try await development.enqueue(codeMail("later@example.test"))
            let production = PostgresMailOutbox(pool: pool, messageIDDomain: "x.test", clock: clock)
            #expect(try await production.removeDeliveredBodies() == 1)
            let mails = try await production.recent(limit: 5)
            let delivered = try #require(mails.first { $0.to == "user@example.test" })
            let waiting = try #require(mails.first { $0.to == "later@example.test" })
            #expect(delivered.textBody == nil && delivered.subject == "[code] is your Gatehouse verification code")
            #expect(waiting.textBody == codeMail().textBody && waiting.subject == codeMail().subject)
            #expect(try await production.removeDeliveredBodies() == 0)
        }
    }

    @Test("the migration removes the bodies of mail delivered before it, and the code from those subjects")
    func migrationRedactsOldRows() async throws {
        try await ScratchDatabase.with(migrations: ["0002_email_outbox.sql"]) { pool async throws in
            let insert = """
                INSERT INTO email_outbox (id, message_id, recipient, subject, text_body, html_body, status, sent_at, next_attempt_at, created_at)
                VALUES ($1, $2, 'old@example.test', $3, 'Your code is 112233', '<p>112233</p>', $4, $5, now(), now())
                """
            for (index, status, subject) in [(1, "sent", "112233 is your Gatehouse sign-in code"),
                                             (2, "failed", "Reset your Gatehouse password"),
                                             (3, "pending", "445566 is your Gatehouse verification code")] {
                _ = try await pool.query(insert, [.uuid(UUID()), .text("<\(index)@x>"), .text(subject), .text(status),
                                                  status == "sent" ? .timestamp(Date()) : .null])
            }
            let sql = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("migrations/0012_email_outbox_redaction.sql"),
                                 encoding: .utf8)
            try await pool.withConnection { try $0.execute(script: sql) }

            let rows = try await pool.query(
                "SELECT message_id, subject, text_body, html_body, redacted_subject FROM email_outbox ORDER BY message_id").rows
            #expect(try rows.map { try $0.string("subject") } == [
                "[code] is your Gatehouse sign-in code", "Reset your Gatehouse password", "445566 is your Gatehouse verification code"])
            #expect(try rows.map { try $0.optionalString("text_body") } == [nil, nil, "Your code is 112233"])
            #expect(try rows.map { try $0.optionalString("html_body") } == [nil, nil, "<p>112233</p>"])
            #expect(try rows[2].optionalString("redacted_subject") == "[code] is your Gatehouse verification code",
                    "the mail still to be sent is redacted once it leaves")
        }
    }
}
