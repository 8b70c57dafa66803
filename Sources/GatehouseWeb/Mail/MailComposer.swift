import Foundation
import GatehouseCore

/// Renders the account emails (plain text and HTML from `templates/mail/`) and hands them to
/// the outbox. Text templates use the TEXT content type, so nothing is HTML-escaped in them.
struct MailComposer {
    let pages: PageRenderer
    let outbox: any MailOutbox
    let settings: AccountSettings
    let issuer: String

    struct VerificationMail {
        let serviceName: String
        let code: String
        let email: String
        let link: String
    }

    struct AccountExistsMail {
        let serviceName: String
        let email: String
        let resetURL: String
    }

    struct ResetMail {
        let serviceName: String
        let email: String
        let link: String
    }

    struct NoticeMail {
        let serviceName: String
        let subject: String
        let message: String
        let resetURL: String
    }

    func sendVerification(to email: String, issued: EmailVerification.Issued) async throws {
        let link = issuer + "/verify-email/link?" + FormEncoding.encode([("ticket", issued.ticket), ("token", issued.linkToken)])
        let view = VerificationMail(serviceName: settings.serviceName, code: issued.code, email: email, link: link)
        try await send(to: email, subject: "\(issued.code) is your \(settings.serviceName) verification code",
                       template: "mail/verify", view: view, secret: issued.code, limitedPerRecipient: true)
    }

    func sendAccountExists(to email: String) async throws {
        try await send(to: email, subject: "You already have a \(settings.serviceName) account", template: "mail/account_exists",
                       view: AccountExistsMail(serviceName: settings.serviceName, email: email, resetURL: issuer + "/forgot-password"),
                       limitedPerRecipient: true)
    }

    func sendReset(to email: String, token: String) async throws {
        let link = issuer + "/reset-password?" + FormEncoding.encode([("token", token)])
        try await send(to: email, subject: "Reset your \(settings.serviceName) password", template: "mail/reset",
                       view: ResetMail(serviceName: settings.serviceName, email: email, link: link), limitedPerRecipient: true)
    }

    func sendNotice(to email: String, subject: String, message: String) async throws {
        try await send(to: email, subject: subject, template: "mail/notice",
                       view: NoticeMail(serviceName: settings.serviceName, subject: subject, message: message,
                                        resetURL: issuer + "/forgot-password"))
    }

    /// `secret`: a code the subject shows, replaced by "[code]" in the subject the outbox keeps
    /// once the mail has left. `limitedPerRecipient`: a mail anyone can cause by typing the address
    /// (a code or link to prove it, "you already have an account"); past the per-recipient limit it
    /// is dropped silently (`MailOutbox.enqueueLimitedPerRecipient`).
    func send(to email: String, subject: String, template: String, view: Any, secret: String? = nil,
              limitedPerRecipient: Bool = false) async throws {
        let text = try pages.render(view, template: template + "_text")
        let html = try pages.render(view, template: template + "_html")
        let redacted = secret.map { subject.replacingOccurrences(of: $0, with: "[code]") }
        let mail = OutgoingMail(to: email, subject: subject, textBody: text, htmlBody: html, redactedSubject: redacted)
        if limitedPerRecipient {
            try await outbox.enqueueLimitedPerRecipient(mail)
        } else {
            try await outbox.enqueue(mail)
        }
    }
}
