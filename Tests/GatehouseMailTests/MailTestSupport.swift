import Foundation
import GatehouseCore
@testable import GatehouseMail
import GatehouseTestingStack
import Logging

/// The test SMTP server's addresses and credentials from `./dev test`; a missing variable
/// fails the test (never skips it).
enum MailTestSupport {
    static var logger: Logger {
        var logger = Logger(label: "gatehouse.mail.tests")
        logger.logLevel = .critical
        return logger
    }

    static func location(_ variable: String, credentials: Bool = false, query: String = "") throws -> SMTPLocation {
        var url = try TestServices.variable(variable)
        if credentials, let schemeEnd = url.range(of: "://") {
            let auth = try TestServices.variable("GATEHOUSE_TEST_SMTP_AUTH")
            url.insert(contentsOf: auth + "@", at: schemeEnd.upperBound)
        }
        return try SMTPLocation(url: url + query)
    }

    static func sender(_ location: SMTPLocation, caFile: String? = nil, timeout: Duration = .seconds(10)) throws -> SMTPSender {
        SMTPSender(location: location, from: try MailAddress(parsing: TestMail.from), caFile: caFile,
                   connectTimeout: .seconds(3), timeout: timeout, logger: logger)
    }

    /// A recipient no other test uses, so its mail can be found in the shared maildir.
    static func uniqueRecipient(_ prefix: String = "mail") -> String {
        "\(prefix)-\(UUID().uuidString.lowercased().prefix(12))@example.test"
    }

    static func queued(_ mail: OutgoingMail, createdAt: Date = Date()) -> QueuedMail {
        let id = UUID()
        return QueuedMail(id: id, messageID: "<\(id.uuidString.lowercased())@id.gatehouse.test>", mail: mail, createdAt: createdAt,
                          attempts: 1, lease: UUID())
    }

    /// A loopback port where nothing listens (tcpmux, port 1, is never served here).
    static func closedPort() -> Int { 1 }
}

/// Runs `body` with a sender that is shut down afterwards, whatever happens.
@discardableResult
func withSender<T>(_ sender: SMTPSender, _ body: (SMTPSender) async throws -> T) async throws -> T {
    do {
        let result = try await body(sender)
        await sender.shutdown()
        return result
    } catch {
        await sender.shutdown()
        throw error
    }
}
