import Foundation
public import GatehouseCore

/// One outbox mail written as an Internet message (RFC 5322 + MIME, RFC 2045/2046/2047):
/// ASCII only, CRLF line ends, a text part and, when there is HTML, a multipart/alternative
/// with the HTML last (the part mail readers prefer).
///
/// Every header value is checked for CR and LF, so nothing a user typed (a name, an address)
/// can add a header. The output depends only on the stored row (the Date is the enqueue time,
/// the boundary comes from the outbox id), so every retry sends the same bytes.
public struct MIMEMessage: Sendable {
    public let from: MailAddress
    public let to: MailAddress
    public let subject: String
    public let textBody: String
    public let htmlBody: String?
    public let messageID: String
    public let date: Date
    /// Unique per message; `=_` cannot occur in quoted-printable text, so no body can end a part.
    let boundary: String

    public init(from: MailAddress, mail: OutgoingMail, messageID: String, date: Date, boundarySeed: String) throws(MIMEError) {
        guard !mail.subject.contains(where: \.isNewline) else { throw .lineBreakInHeader(field: "Subject") }
        guard !messageID.contains(where: \.isNewline) else { throw .lineBreakInHeader(field: "Message-ID") }
        guard Self.isMessageID(messageID) else { throw .invalidMessageID }
        self.from = from
        self.to = try MailAddress(address: mail.to, field: "To")
        self.subject = mail.subject
        self.textBody = mail.textBody
        self.htmlBody = mail.htmlBody
        self.messageID = messageID
        self.date = date
        boundary = "=_gatehouse_" + String(boundarySeed.unicodeScalars.filter { $0.properties.isASCIIHexDigit || $0 == "-" })
    }

    public init(from: MailAddress, queued: QueuedMail) throws(MIMEError) {
        try self.init(from: from, mail: queued.mail, messageID: queued.messageID, date: queued.createdAt,
                      boundarySeed: queued.id.uuidString.lowercased())
    }

    /// `<left@right>` with printable ASCII and no spaces or further angle brackets (RFC 5322 §3.6.4).
    static func isMessageID(_ value: String) -> Bool {
        guard value.hasPrefix("<"), value.hasSuffix(">"), value.utf8.count > 4 else { return false }
        let inner = value.dropFirst().dropLast()
        let parts = inner.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && inner.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }

    /// The whole message, ready for SMTP DATA (libcurl adds the dot-stuffing).
    public func render() -> String {
        var lines = [
            "Date: " + MessageDate.format(date),
            "From: " + from.headerValue,
            "To: " + to.headerValue,
            "Subject: " + HeaderEncoding.unstructured(subject, nameLength: "Subject".count),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            // RFC 3834: sent by a program, so auto-responders stay quiet.
            "Auto-Submitted: auto-generated",
        ]
        if let htmlBody {
            lines += [
                "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
                "",
                "This is a message in MIME format: a plain-text and an HTML version.",
                "--" + boundary,
            ]
            lines += Self.part(type: "text/plain", body: textBody)
            lines.append("--" + boundary)
            lines += Self.part(type: "text/html", body: htmlBody)
            lines.append("--" + boundary + "--")
        } else {
            lines += Self.part(type: "text/plain", body: textBody)
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func part(type: String, body: String) -> [String] {
        [
            "Content-Type: \(type); charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(body),
        ]
    }
}
