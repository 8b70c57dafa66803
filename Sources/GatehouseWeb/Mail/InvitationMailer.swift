import Foundation
public import GatehouseCore

/// The invitation email (issue 10 item 4): who invited, to what, as which role, and the link,
/// rendered from `templates/mail/invitation_*` and handed to the outbox. Public because the CLI
/// (`gatehouse invite create`, `admin bootstrap`) sends it as the pages and the API will.
///
/// An invitation is sent by someone entitled to invite, never by typing an address into a
/// public form, so it goes through the plain outbox, not the per-recipient limit.
public struct InvitationMailer: InvitationMail {
    let pages: PageRenderer
    let outbox: any MailOutbox
    let serviceName: String
    let issuer: String

    public init(pages: PageRenderer, outbox: any MailOutbox, serviceName: String, issuer: String) {
        self.pages = pages
        self.outbox = outbox
        self.serviceName = serviceName
        self.issuer = issuer
    }

    struct Message: MailView {
        static let template = "mail/invitation"
        let serviceName: String
        /// "Ada Lovelace invited you", or "You are invited" for the operator at the shell.
        let invitation: String
        /// "to join Acme as an administrator", "to Gatehouse as a site administrator".
        let place: String
        let link: String
        let expires: String

        var templateValues: TemplateValues {
            ["serviceName": .text(serviceName), "invitation": .text(invitation), "place": .text(place), "link": .text(link),
             "expires": .text(expires)]
        }

        static let sample = Message(serviceName: "Gatehouse", invitation: "Ada Lovelace invited you",
                                    place: "to join Acme as an administrator", link: "https://id.example.test/invitations/t",
                                    expires: "2026-12-11 09:30 UTC")
    }

    public func send(_ issued: Invitations.Issued, organization: Organization?, inviterName: String?) async throws {
        let invitation = issued.invitation
        let place = RoleWords.place(invitation.role, organization: organization, serviceName: serviceName)
        let view = Message(serviceName: serviceName, invitation: inviterName.map { "\($0) invited you" } ?? "You are invited",
                           place: place, link: InvitationLink.url(issuer: issuer, token: issued.token), expires: Self.utc(invitation.expiresAt))
        let subject = organization.map { "You are invited to join \($0.name) on \(serviceName)" } ?? "You are invited to \(serviceName)"
        try await outbox.enqueue(OutgoingMail(
            to: invitation.email, subject: subject, textBody: try pages.render(view, template: Message.textTemplate.name),
            htmlBody: try pages.render(view, template: Message.htmlTemplate.name)))
    }

    /// "2026-12-11 09:30 UTC": one unambiguous form whatever the reader's zone.
    static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
