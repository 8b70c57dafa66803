import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import Testing

/// The invitation mail (issue 10 item 4): who invited, to what, as which role, the link and when
/// it stops working, through the outbox; every value escaped in the HTML part.
@Suite("Invitation mail")
struct InvitationMailTests {
    static let issuer = "https://id.example.test"

    func mailer(_ outbox: InMemoryMailOutbox) async throws -> InvitationMailer {
        let pages = try await PageRenderer(directory: TestServices.repositoryRoot.appendingPathComponent("templates").path)
        return InvitationMailer(pages: pages, outbox: outbox, serviceName: "Gatehouse", issuer: Self.issuer)
    }

    /// An invitation made by the service on the twins, for a new organization named `name`.
    func issued(_ stores: InMemoryStores, organization name: String) async throws -> Invitations.Issued {
        let service = Invitations(invitations: stores.invitations, organizations: stores.organizations, memberships: stores.memberships,
                                  users: stores.users, crypto: TestCrypto(), audit: stores.audit, clock: stores.clock)
        return try await service.invite(email: "boss@example.test", role: .clientAdmin, place: .newOrganization(name: name),
                                        by: .serverOperator)
    }

    @Test("names the inviter, the organization and the role, with the link and its expiry in UTC")
    func wording() async throws {
        let stores = InMemoryStores(clock: TestClock(Date(timeIntervalSince1970: 1_900_000_000)))
        let issued = try await issued(stores, organization: "Acme")
        let outbox = InMemoryMailOutbox(clock: stores.clock)
        try await mailer(outbox).send(issued, organization: issued.organization, inviterName: "Ada Lovelace")
        let mail = try #require(await outbox.enqueued(to: "boss@example.test").first)
        #expect(mail.subject == "You are invited to join Acme on Gatehouse")
        #expect(mail.textBody == """
            Ada Lovelace invited you to join Acme as an administrator.

            Open this link to accept (it works until 2030-03-24 17:46 UTC):
            https://id.example.test/invitations/\(issued.token)

            If you did not expect this invitation, ignore this email: nothing happens until the link is accepted.

            """)
        #expect(mail.redactedSubject == nil, "the subject holds no secret; the outbox drops the bodies once sent")
    }

    @Test("from the shell, to the platform: no inviter's name, the service's name instead of an organization")
    func platform() async throws {
        let stores = InMemoryStores()
        let service = Invitations(invitations: stores.invitations, organizations: stores.organizations, memberships: stores.memberships,
                                  users: stores.users, crypto: TestCrypto(), audit: stores.audit, clock: stores.clock)
        let issued = try await service.invite(email: "ops@example.test", role: .operator, place: .platform, by: .serverOperator)
        let outbox = InMemoryMailOutbox(clock: stores.clock)
        try await mailer(outbox).send(issued, organization: nil, inviterName: nil)
        let mail = try #require(await outbox.enqueued(to: "ops@example.test").first)
        #expect(mail.subject == "You are invited to Gatehouse")
        #expect(mail.textBody.hasPrefix("You are invited to Gatehouse as an operator.\n"))
    }

    @Test("an organization's and an inviter's name are escaped in the HTML part")
    func escaping() async throws {
        let stores = InMemoryStores()
        let issued = try await issued(stores, organization: "<script>alert(1)</script> & Co")
        let outbox = InMemoryMailOutbox(clock: stores.clock)
        try await mailer(outbox).send(issued, organization: issued.organization, inviterName: "Eve \"<img src=x>\"")
        let html = try #require(await outbox.enqueued(to: "boss@example.test").first?.htmlBody)
        #expect(!html.contains("<script>") && !html.contains("<img"))
        #expect(html.contains("Eve &quot;&lt;img src=x&gt;&quot; invited you to join &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co as an administrator."),
                "\(html)")
        #expect(html.contains("href=\"https://id.example.test/invitations/\(issued.token)\""))
    }
}
