import Foundation
import GatehouseCore

/// Renders the account emails (plain text and HTML from `templates/mail/`) and hands them to
/// the outbox. Each mail is a `MailView`: its plain-text part prints values as they are, its
/// HTML part escapes them (`PageRenderer`).
struct MailComposer {
    let pages: PageRenderer
    let outbox: any MailOutbox
    let settings: AccountSettings
    let issuer: String

    /// The code and link that prove an address.
    struct VerificationMail: MailView {
        static let template = "mail/verify"
        let serviceName: String
        let code: String
        let email: String
        let link: String

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "code": .text(code), "email": .text(email), "link": .text(link)]
        }

        static let sample = VerificationMail(serviceName: "Gatehouse", code: "123456", email: "ada@example.test",
                                             link: "https://id.example.test/verify-email/link?ticket=t&token=l")
    }

    /// Sent instead of a code when someone registers an address that has an account.
    struct AccountExistsMail: MailView {
        static let template = "mail/account_exists"
        let serviceName: String
        let email: String
        let resetURL: String

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "email": .text(email), "resetURL": .text(resetURL)]
        }

        static let sample = AccountExistsMail(serviceName: "Gatehouse", email: "ada@example.test",
                                              resetURL: "https://id.example.test/forgot-password")
    }

    /// The password reset link.
    struct ResetMail: MailView {
        static let template = "mail/reset"
        let serviceName: String
        let email: String
        let link: String

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "email": .text(email), "link": .text(link)]
        }

        static let sample = ResetMail(serviceName: "Gatehouse", email: "ada@example.test",
                                      link: "https://id.example.test/reset-password?token=t")
    }

    /// A change to the account told to its owner (a new password, a factor turned off, a lock).
    struct NoticeMail: MailView {
        static let template = "mail/notice"
        let serviceName: String
        let subject: String
        let message: String
        let resetURL: String

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "subject": .text(subject), "message": .text(message), "resetURL": .text(resetURL)]
        }

        static let sample = NoticeMail(serviceName: "Gatehouse", subject: "Your password was changed",
                                       message: "The password of your account ada@example.test was just changed.",
                                       resetURL: "https://id.example.test/forgot-password")
    }

    func sendVerification(to email: String, issued: EmailVerification.Issued) async throws {
        let link = issuer + "/verify-email/link?" + FormEncoding.encode([("ticket", issued.ticket), ("token", issued.linkToken)])
        let view = VerificationMail(serviceName: settings.serviceName, code: issued.code, email: email, link: link)
        try await send(to: email, subject: "\(issued.code) is your \(settings.serviceName) verification code",
                       view: view, secret: issued.code, limitedPerRecipient: true)
    }

    func sendAccountExists(to email: String) async throws {
        try await send(to: email, subject: "You already have a \(settings.serviceName) account",
                       view: AccountExistsMail(serviceName: settings.serviceName, email: email, resetURL: issuer + "/forgot-password"),
                       limitedPerRecipient: true)
    }

    func sendReset(to email: String, token: String) async throws {
        let link = issuer + "/reset-password?" + FormEncoding.encode([("token", token)])
        try await send(to: email, subject: "Reset your \(settings.serviceName) password",
                       view: ResetMail(serviceName: settings.serviceName, email: email, link: link), limitedPerRecipient: true)
    }

    func sendNotice(to email: String, subject: String, message: String) async throws {
        try await send(to: email, subject: subject,
                       view: NoticeMail(serviceName: settings.serviceName, subject: subject, message: message,
                                        resetURL: issuer + "/forgot-password"))
    }

    /// `secret`: a code the subject shows, replaced by "[code]" in the subject the outbox keeps
    /// once the mail has left. `limitedPerRecipient`: a mail anyone can cause by typing the address
    /// (a code or link to prove it, "you already have an account"); past the per-recipient limit it
    /// is dropped silently (`MailOutbox.enqueueLimitedPerRecipient`).
    func send<Mail: MailView>(to email: String, subject: String, view: Mail, secret: String? = nil,
                              limitedPerRecipient: Bool = false) async throws {
        let text = try pages.render(view, template: Mail.textTemplate.name)
        let html = try pages.render(view, template: Mail.htmlTemplate.name)
        let redacted = secret.map { subject.replacingOccurrences(of: $0, with: "[code]") }
        let mail = OutgoingMail(to: email, subject: subject, textBody: text, htmlBody: html, redactedSubject: redacted)
        if limitedPerRecipient {
            try await outbox.enqueueLimitedPerRecipient(mail)
        } else {
            try await outbox.enqueue(mail)
        }
    }
}
