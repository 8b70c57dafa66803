public import GatehouseCore
import Foundation

/// Development mode without SMTP: each mail is "delivered" by printing it to standard output
/// (which `./dev run` shows) and stays readable on the development mailbox page. Never used
/// outside development mode: there, mail must not reach a log.
public struct ConsoleMailTransport: MailTransport {
    public init() {}

    public func send(_ mail: QueuedMail) async throws {
        var lines = [
            "----- mail (development mode: not sent, see /dev/mailbox) -----",
            "To:         \(mail.mail.to)",
            "Subject:    \(mail.mail.subject)",
            "Message-ID: \(mail.messageID)",
            "",
            mail.mail.textBody,
        ]
        if mail.mail.htmlBody != nil { lines.append("(an HTML version was also written)") }
        lines.append("----- end of mail -----")
        print(lines.joined(separator: "\n"))
        fflush(nil)
    }
}
