import GatehouseCore

/// The mail a person gets when their account is deactivated or erased (`UserLifecycle` queues it:
/// for an erasure inside the erasure's own transaction, the last mail to that address).
struct AccountClosingMailer: AccountClosingNotice {
    let pages: PageRenderer
    let serviceName: String

    struct Message: MailView {
        static let template = "mail/account_closed"
        let serviceName: String
        let subject: String
        let email: String
        let erased: Bool

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "subject": .text(subject), "email": .text(email), "erased": .flag(erased)]
        }

        static let sample = Message(serviceName: "Gatehouse", subject: "Your Gatehouse account was deleted", email: "ada@example.test",
                                    erased: true)
    }

    func mail(to user: User, _ closing: AccountClosing) -> OutgoingMail? {
        let erased = closing == .erased
        let subject = erased ? "Your \(serviceName) account was deleted" : "Your \(serviceName) account was deactivated"
        let view = Message(serviceName: serviceName, subject: subject, email: user.email, erased: erased)
        guard let text = try? pages.render(view, template: Message.textTemplate.name),
              let html = try? pages.render(view, template: Message.htmlTemplate.name) else { return nil }
        return OutgoingMail(to: user.email, subject: subject, textBody: text, htmlBody: html)
    }
}
