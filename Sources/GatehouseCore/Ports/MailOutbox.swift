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
    /// Enqueues a mail anyone can cause by typing an address — a verification code, a reset
    /// link, "you already have an account" — which must not let them flood that mailbox. The
    /// outbox the web layer uses (`RecipientLimitedMailOutbox`) sends at most
    /// `ProtectionSettings.mailPerRecipient` of them per recipient and drops the rest silently;
    /// a plain outbox just enqueues.
    func enqueueLimitedPerRecipient(_ mail: OutgoingMail) async throws
}

extension MailOutbox {
    public func enqueueLimitedPerRecipient(_ mail: OutgoingMail) async throws {
        try await enqueue(mail)
    }
}
