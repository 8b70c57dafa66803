/// Thrown by `MailOutbox.enqueue` when the deployment runs without mail
/// (`GATEHOUSE_SMTP_URL=none`). Flows check `isEnabled` first; reaching this is a bug in a flow,
/// reported instead of silently dropping the message.
public struct MailDisabledError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "mail is switched off (GATEHOUSE_SMTP_URL=none): a flow tried to send one" }
}

/// Thrown by `MailOutbox.enqueue` for a mail that could never be sent: a line break in the
/// recipient or subject (header injection) or a recipient that is not an address. Refused at
/// enqueue so the flow hears of it at once instead of the sender giving up later.
public struct InvalidMailError: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "invalid mail: \(reason)" }
}

extension OutgoingMail {
    /// The checks every outbox runs before accepting a mail (the MIME writer checks again).
    public func validate() throws(InvalidMailError) {
        if to.contains(where: \.isNewline) || subject.contains(where: \.isNewline) || redactedSubject?.contains(where: \.isNewline) == true {
            throw InvalidMailError("the recipient or subject contains a line break")
        }
        let parts = to.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !to.contains(where: \.isWhitespace) else {
            throw InvalidMailError("the recipient is not an email address")
        }
    }
}
