import Foundation

/// An email address with an optional display name, as in `GATEHOUSE_MAIL_FROM`
/// (`Gatehouse <no-reply@example.com>` or `no-reply@example.com`).
///
/// Only plain ASCII `local@domain` addresses are accepted: no quoted local parts, comments or
/// internationalized addresses (those need SMTPUTF8), and nothing that could end the header
/// or the SMTP envelope command (`<`, `>`, whitespace, line breaks).
public struct MailAddress: Sendable, Equatable {
    public let displayName: String?
    public let address: String

    public init(address: String, displayName: String? = nil, field: String = "address") throws(MIMEError) {
        if address.contains(where: \.isNewline) || (displayName?.contains(where: \.isNewline) ?? false) {
            throw .lineBreakInHeader(field: field)
        }
        guard Self.isPlainAddress(address) else { throw .invalidAddress(field: field) }
        self.address = address
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads `Name <local@domain>` or a bare `local@domain`.
    public init(parsing text: String, field: String = "From") throws(MIMEError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
            try self.init(address: address, displayName: name, field: field)
        } else {
            try self.init(address: trimmed, field: field)
        }
    }

    /// `local@domain`: printable ASCII without specials that matter to headers or SMTP.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254 else { return false }
        let forbidden = Set("<>()[]\\,;:\"".utf8)
        return address.utf8.allSatisfy { $0 > 32 && $0 < 127 && !forbidden.contains($0) }
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    }

    /// The header form: the display name as an atom phrase, a quoted string, or encoded words.
    var headerValue: String {
        guard let displayName else { return address }
        return "\(HeaderEncoding.phrase(displayName)) <\(address)>"
    }
}
