import Foundation
import GatehouseCore
import Hummingbird

/// The development mailbox (DESIGN.md, development mode): `GET /dev/mailbox` lists the newest
/// outbox mails — recipient, subject, time, status and the plain-text body — so codes and links
/// can be followed without an SMTP server. Registered only in development mode and only when a
/// `MailboxReader` was given, so no production deployment can show mail on a page.
struct MailboxPage {
    let reader: any MailboxReader
    let responder: PageResponder

    static let limit = 50

    func register(on routes: PageRoutes) {
        routes.get("/dev/mailbox") { _ in
            responder.page(DevMailboxView(mails: try await reader.recent(limit: Self.limit).map(DevMailboxView.Mail.init)))
        }
    }
}

/// View model of `templates/dev_mailbox.mustache`.
struct DevMailboxView: PageView {
    let templateName = "dev_mailbox"
    let title = "Development mailbox"
    let mails: [Mail]
    var isEmpty: Bool { mails.isEmpty }

    struct Mail {
        let to: String
        let subject: String
        /// UTC, to the second: `2024-03-05 09:07:03 UTC`.
        let createdAt: String
        let status: String
        let messageID: String
        let textBody: String

        init(_ summary: DeliveredMailSummary) {
            to = summary.to
            subject = summary.subject
            createdAt = Self.format(summary.createdAt)
            status = switch summary.status {
            case .pending: summary.attempts == 0 ? "waiting to be sent" : "retrying (attempt \(summary.attempts))"
            case .sent: "sent"
            case .failed: "failed, gave up after \(summary.attempts) attempts"
            }
            messageID = summary.messageID
            textBody = summary.textBody ?? "(The body was removed once the mail left this server: it may have held a code or a link.)"
        }

        static func format(_ date: Date) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            func pad(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
            return "\(parts.year ?? 1970)-\(pad(parts.month))-\(pad(parts.day)) \(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second)) UTC"
        }
    }
}
