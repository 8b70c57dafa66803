/// One email to send. Bodies are already rendered (plain text always, HTML optionally).
public struct OutgoingMail: Sendable, Codable, Equatable {
    public var to: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String?
    /// The subject to keep once the mail has left, when `subject` itself carries a secret
    /// ("123456 is your … code"); nil keeps `subject`. The outbox removes the bodies then too.
    public var redactedSubject: String?

    public init(to: String, subject: String, textBody: String, htmlBody: String? = nil, redactedSubject: String? = nil) {
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.redactedSubject = redactedSubject
    }
}

/// Where flows hand over email: a durable outbox (PostgreSQL) drained by a background sender,
/// so a request never waits on SMTP and no mail is lost across restarts.
public protocol MailOutbox: Sendable {
    /// Whether mail can be sent at all (`GATEHOUSE_SMTP_URL=none` turns the mail flows off).
    var isEnabled: Bool { get }
    func enqueue(_ mail: OutgoingMail) async throws
}
