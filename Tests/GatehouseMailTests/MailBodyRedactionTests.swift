import Foundation
import GatehouseCore
@testable import GatehouseMail
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// The sender and the outbox together: the SMTP server receives the whole mail, code and link
/// included, and what stays in PostgreSQL afterwards is only the delivery record.
@Suite("Mail delivery leaves no secret in the outbox")
struct MailBodyRedactionTests {
    static let migrations = ["0002_email_outbox.sql", "0012_email_outbox_redaction.sql"]

    func codeMail(to recipient: String) -> OutgoingMail {
        OutgoingMail(to: recipient, subject: "731904 is your Gatehouse sign-in code", textBody: "Your sign-in code is 731904.",
                     htmlBody: "<p>Your sign-in code is <b>731904</b>.</p>", redactedSubject: "[code] is your Gatehouse sign-in code")
    }

    /// Every text column of the outbox, for a check that the code is nowhere in it.
    func outboxText(_ pool: PostgresPool) async throws -> String {
        try await pool.query("SELECT email_outbox::text AS row FROM email_outbox").rows.map { try $0.string("row") }.joined(separator: "\n")
    }

    @Test("delivered over real SMTP: the receiver has the code; the outbox row has neither the code nor the bodies")
    func deliveredMailIsRedacted() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "id.gatehouse.test", clock: clock)
            let sender = try MailTestSupport.sender(try MailTestSupport.location("GATEHOUSE_TEST_SMTP_URL"))
            let service = MailDeliveryService(queue: outbox, transport: sender, clock: clock, logger: MailTestSupport.logger)
            let recipient = MailTestSupport.uniqueRecipient("redact")
            try await outbox.enqueue(codeMail(to: recipient))
            #expect(try await outboxText(pool).contains("731904"), "kept while it waits")

            #expect(try await service.deliverBatch() == 1)
            let row = try #require(try await pool.query(
                "SELECT status, subject, text_body, html_body, message_id FROM email_outbox").rows.first)
            let received = try await TestMail.waitFor(messageID: try row.string("message_id"), timeout: .seconds(5))
            #expect(received.subject == "731904 is your Gatehouse sign-in code")
            #expect(received.text == "Your sign-in code is 731904.")
            #expect(try row.string("status") == "sent")
            #expect(try row.string("subject") == "[code] is your Gatehouse sign-in code")
            #expect(try row.optionalString("text_body") == nil && row.optionalString("html_body") == nil)
            let remaining = try await outboxText(pool)
            #expect(!remaining.contains("731904"), "no column holds the code: \(remaining)")
            await sender.shutdown()
        }
    }

    @Test("SMTP down: the body waits through the retries, and goes when the mail is given up")
    func givenUpMailIsRedacted() async throws {
        try await ScratchDatabase.with(migrations: Self.migrations) { pool async throws in
            let clock = TestClock()
            let outbox = PostgresMailOutbox(pool: pool, messageIDDomain: "id.gatehouse.test", clock: clock)
            let sender = try MailTestSupport.sender(try SMTPLocation(url: "smtp://127.0.0.1:\(MailTestSupport.closedPort())"))
            let retry = MailRetryPolicy(maxAttempts: 2, firstDelay: .seconds(30), maxDelay: .seconds(3600))
            let service = MailDeliveryService(queue: outbox, transport: sender, clock: clock, settings: .init(retry: retry),
                                              logger: MailTestSupport.logger)
            try await outbox.enqueue(codeMail(to: MailTestSupport.uniqueRecipient("down")))

            #expect(try await service.deliverBatch() == 1)
            #expect(try await outboxText(pool).contains("Your sign-in code is 731904."), "a retry still needs the body")
            clock.advance(by: 31)
            #expect(try await service.deliverBatch() == 1)
            let row = try #require(try await pool.query("SELECT status, last_error, text_body FROM email_outbox").rows.first)
            #expect(try row.string("status") == "failed" && row.optionalString("last_error") != nil)
            #expect(try row.optionalString("text_body") == nil)
            let remaining = try await outboxText(pool)
            #expect(!remaining.contains("731904"), "\(remaining)")
            await sender.shutdown()
        }
    }
}
