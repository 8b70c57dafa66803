public import Foundation

/// One outbox row as the development mailbox page lists it.
public struct DeliveredMailSummary: Sendable, Equatable {
    public let id: UUID
    public let messageID: String
    public let to: String
    public let subject: String
    /// Nil once the mail left or was given up (outside development mode): it held codes or links.
    public let textBody: String?
    public let status: MailDeliveryStatus
    public let attempts: Int
    public let createdAt: Date
    public let sentAt: Date?

    public init(id: UUID, messageID: String, to: String, subject: String, textBody: String?, status: MailDeliveryStatus,
                attempts: Int, createdAt: Date, sentAt: Date?) {
        self.id = id
        self.messageID = messageID
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// Read access to recent outbox mail, for the development mailbox page only: the web layer
/// gets one in development mode and nil everywhere else, so no production page can show mail.
public protocol MailboxReader: Sendable {
    /// The newest mails first.
    func recent(limit: Int) async throws -> [DeliveredMailSummary]
}
