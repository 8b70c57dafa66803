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
    static let template = "dev_mailbox"
    let mails: [Mail]

    var templateValues: TemplateValues {
        // `isEmpty` was a computed property the reflection-based renderer could not see, so "No
        // mail yet." never showed; written out here, it does.
        ["title": .text("Development mailbox"), "isEmpty": .flag(mails.isEmpty), "mails": .list(mails)]
    }

    static let sample = DevMailboxView(mails: [Mail(DeliveredMailSummary(
        id: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!, messageID: "<mail-id@example.test>", to: "ada@example.test",
        subject: "123456 is your Gatehouse verification code", textBody: "Your Gatehouse verification code is:\n\n    123456\n",
        status: .pending, attempts: 1, createdAt: Date(timeIntervalSince1970: 1_709_629_623), sentAt: nil))])

    /// One outbox mail as the page lists it.
    struct Mail: TemplateContent {
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

        var templateValues: TemplateValues {
            [
                "to": .text(to),
                "subject": .text(subject),
                "createdAt": .text(createdAt),
                "status": .text(status),
                "messageID": .text(messageID),
                "textBody": .text(textBody),
            ]
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
