import Foundation
import Mustache

/// Renders the hosted pages and the mails from `templates/` with swift-mustache. Refuses to start
/// when a template is missing (a missing directory would otherwise give an empty library silently).
///
/// HTML templates see their view through `EscapedView`, so every value is escaped by the one
/// `HTMLEscaping.escape` (on Unicode scalars; swift-mustache's own escaping works per grapheme and
/// lets `"` plus a combining mark through). Plain-text templates (the mails' `_text` parts) start
/// with `{{% CONTENT_TYPE: TEXT}}` and get their values unescaped, as plain text must.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The one stylesheet, served at `/static/gatehouse.css`.
    public let stylesheet: String

    public static let requiredTemplates = [
        "layout", "login", "consent", "error", "form_post", "demo_result",
        "register", "verify_email", "forgot_password", "reset_password", "notice", "account",
        "mail/verify_text", "mail/verify_html", "mail/account_exists_text", "mail/account_exists_html",
        "mail/reset_text", "mail/reset_html", "mail/notice_text", "mail/notice_html",
        "mfa", "mfa_enrol", "recovery_codes", "mail/mfa_code_text", "mail/mfa_code_html",
        "rate_limited",
        "dev_mailbox", "logout_confirm", "signed_out",
    ]

    public init(directory: String) async throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        let library = try await MustacheLibrary(directory: url.path)
        self.library = library
        let missing = Self.requiredTemplates.filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else {
            throw PageRendererError(message: "templates missing in \(url.path): \(missing.joined(separator: ", ")) (set GATEHOUSE_TEMPLATES_DIR)")
        }
        for name in Self.requiredTemplates {
            let text = library.getTemplate(named: name)?.description ?? ""
            // The pragma counts only as the first line: a template switching type midway would
            // print escaped text as plain text, or plain values into HTML.
            if text.contains("CONTENT_TYPE") && !text.hasPrefix(Self.plainTextPragma) {
                throw PageRendererError(message: "template \(name) sets a content type other than by starting with \(Self.plainTextPragma)")
            }
        }
        do {
            stylesheet = try String(contentsOf: url.appendingPathComponent("gatehouse.css"), encoding: .utf8)
        } catch {
            throw PageRendererError(message: "gatehouse.css missing in \(url.path) (set GATEHOUSE_TEMPLATES_DIR)")
        }
    }

    /// The first line of a plain-text template.
    static let plainTextPragma = "{{% CONTENT_TYPE: TEXT}}"

    func render(_ view: some PageView) throws -> String {
        try render(view, template: view.templateName)
    }

    func render(_ view: Any, template: String) throws -> String {
        guard let mustache = library.getTemplate(named: template) else {
            throw PageRendererError(message: "template \(template) did not render")
        }
        let isPlainText = mustache.description.hasPrefix(Self.plainTextPragma)
        guard let text = library.render(isPlainText ? view : EscapedView(value: view), withTemplate: template) else {
            throw PageRendererError(message: "template \(template) did not render")
        }
        return text
    }
}

public struct PageRendererError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A typed view model for one template: templates stay dumb, Swift decides the words.
protocol PageView {
    var templateName: String { get }
}
