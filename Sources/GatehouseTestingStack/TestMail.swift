import Foundation
import GatehouseCore
import GatehouseMail
import GatehousePostgres

/// One message the test SMTP server (Tests/Support/smtp_sink.py, started by `./dev test`)
/// accepted, as parsed by Python's email package: an independent reader of what Gatehouse wrote.
public struct ReceivedMail: Decodable, Sendable {
    /// `plain`, `starttls` or `tls`: the listener that took it.
    public let listener: String
    public let tls: Bool
    public let authenticated: Bool
    public let login: String?
    public let mailFrom: String
    public let rcptTos: [String]
    /// Header values, RFC 2047 words decoded.
    public let subject: String
    public let from: String
    public let to: String
    public let messageID: String
    public let date: String
    public let contentType: String
    /// Bodies with transfer encoding undone and line ends as `\n`.
    public let text: String?
    public let html: String?
    /// Python's complaints about the message's structure (none expected).
    public let defects: [String]

    enum CodingKeys: String, CodingKey {
        case listener, tls, authenticated, login, subject, from, to, date, text, html, defects
        case mailFrom = "mail_from", rcptTos = "rcpt_tos", messageID = "message_id", contentType = "content_type"
    }
}

/// The test SMTP server's side: its URLs and the mail it received (files in
/// `GATEHOUSE_TEST_MAILDIR`). Missing variables fail the test, saying to run `./dev test`.
public enum TestMail {
    public static let from = "Gatehouse <no-reply@id.gatehouse.test>"

    /// Plain SMTP (`GATEHOUSE_TEST_SMTP_URL`).
    public static func smtpURL() throws -> String { try TestServices.variable("GATEHOUSE_TEST_SMTP_URL") }

    /// Every message received so far, oldest first.
    public static func received() throws -> [ReceivedMail] {
        let directory = URL(fileURLWithPath: try TestServices.variable("GATEHOUSE_TEST_MAILDIR"), isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        let decoder = JSONDecoder()
        return try names.map { try decoder.decode(ReceivedMail.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    /// The messages received for `recipient` (envelope), oldest first.
    public static func received(to recipient: String) throws -> [ReceivedMail] {
        try received().filter { $0.rcptTos.contains { $0.caseInsensitiveCompare(recipient) == .orderedSame } }
    }

    /// Waits (polling) until a message with this Message-ID arrived.
    public static func waitFor(messageID: String, timeout: Duration = .seconds(10)) async throws -> ReceivedMail {
        try await poll(timeout: timeout, what: "a message with Message-ID \(messageID)") {
            try received().first { $0.messageID == messageID }
        }
    }

    /// Polls `check` every 50 ms until it returns a value or `timeout` passes.
    @discardableResult
    public static func poll<T>(timeout: Duration, what: String, _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = try await check() { return found }
            guard ContinuousClock.now < deadline else { throw Timeout(what: what) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public struct Timeout: Error, CustomStringConvertible {
        public let what: String
        public var description: String { "timed out waiting for \(what) at the test SMTP server (GATEHOUSE_TEST_MAILDIR)" }
    }

    /// One SMTP sender per test process for the plain listener (it owns threads).
    private static let sharedSender: Result<SMTPSender, any Error> = Result {
        SMTPSender(location: try SMTPLocation(url: try smtpURL()), from: try MailAddress(parsing: from), logger: TestServices.logger)
    }

    public static func sender() throws -> SMTPSender { try sharedSender.get() }
}

extension TestProvider {
    /// Sends whatever is due in the shared test database's outbox to the test SMTP server,
    /// as the server's background sender would.
    public func deliverMail() async throws {
        let service = MailDeliveryService(queue: outbox, transport: try TestMail.sender(), clock: clock, logger: TestServices.logger)
        while try await service.deliverBatch() > 0 {}
    }

    /// Delivers the outbox and waits until mail for `recipient` arrived; returns the newest.
    /// (Another test's `deliverMail` may be sending this one right now: hence the polling.)
    public func receivedMail(to recipient: String, timeout: Duration = .seconds(10)) async throws -> ReceivedMail {
        try await TestMail.poll(timeout: timeout, what: "mail to \(recipient)") {
            try await deliverMail()
            return try TestMail.received(to: recipient).last
        }
    }
}
