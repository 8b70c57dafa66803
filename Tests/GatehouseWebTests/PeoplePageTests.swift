import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// The people page (issue 10 item 8) on PostgreSQL: platform roles invite staff and customer
/// administrators and find organizations with their administrators; nobody else sees anything.
@Suite("The people page")
struct PeoplePageTests {
    /// A user holding `role` on the platform, signed in in `browser`.
    static func staff(_ role: Role, _ provider: TestProvider, _ browser: TestBrowser) async throws -> TestProvider.RegisteredUser {
        let user = try await provider.makeUser(name: "Grace Hopper")
        try await provider.dependencies.organizations.memberships.setPlatformRole(role, userID: user.user.id, at: provider.clock.now, by: nil)
        _ = try await browser.signInDirectly(user.email, user.password)
        return user
    }

    @Test("an operator invites a customer administrator with a new organization, which is listed (pending) with a link to its page")
    func operatorInvitesCustomerAdmin() async throws {
        try await withProvider { provider, browser in
            _ = try await Self.staff(.operator, provider, browser)
            let page = try await browser.get("/people")
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>People</h1>"))
            #expect(page.text.contains("You are signed in as an operator."))
            #expect(page.text.contains(#"<select id="invite-role" name="role"><option value="client_admin" selected>Customer administrator (new organization)</option></select>"#),
                    "an operator invites customer administrators only")
            let email = provider.uniqueEmail()
            let name = "Fabrikam " + UUID().uuidString.prefix(8)
            let csrf = page.hiddenField("csrf_token") ?? ""
            let missing = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", email), ("role", "client_admin"),
                                                                             ("organization_name", "")])
            #expect(missing.status == .badRequest)
            #expect(missing.text.contains("Name the new organization: a customer administrator is invited to one."))
            let sent = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", email), ("role", "client_admin"),
                                                                          ("organization_name", name)])
            #expect(sent.location == "/people?done=invited")
            let mail = try #require(try await provider.lastMail(to: email))
            #expect(mail.subject == "You are invited to join \(name) on Gatehouse")
            #expect(mail.text.contains("Grace Hopper invited you to join \(name) as an administrator."))

            let listed = try await browser.get("/people?done=invited&q=" + FormEncoding.encodeComponent(name))
            #expect(listed.text.contains("The invitation is on its way."))
            let slug = try #require(listed.text.firstMatch(of: /<a href="\/organizations\/([a-z0-9-]+)"><strong>/)?.1)
            #expect(listed.text.contains(#"<a href="/organizations/\#(slug)"><strong>\#(name)</strong></a> <span class="badge">pending</span>"#))
            #expect(listed.text.contains("no administrator yet"))
            let again = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", email), ("role", "operator"),
                                                                           ("organization_name", "")])
            #expect(again.status == .badRequest)
            #expect(again.text.contains("You may not invite someone to that role."), "an operator does not invite operators")
        }
    }

    @Test("a super_admin invites staff: site administrators and operators, mailed; a second invitation to the same address is refused")
    func superAdminInvitesStaff() async throws {
        try await withProvider { provider, browser in
            _ = try await Self.staff(.superAdmin, provider, browser)
            let page = try await browser.get("/people")
            #expect(page.text.contains(#"<option value="site_admin" selected>Site administrator</option><option value="operator">Operator</option><option value="client_admin">Customer administrator (new organization)</option>"#))
            let email = provider.uniqueEmail()
            let csrf = page.hiddenField("csrf_token") ?? ""
            let sent = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", email), ("role", "site_admin")])
            #expect(sent.location == "/people?done=invited")
            #expect(try #require(try await provider.lastMail(to: email)).text.contains("Grace Hopper invited you to Gatehouse as a site administrator."))
            let again = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", email), ("role", "site_admin")])
            #expect(again.status == .badRequest)
            #expect(again.text.contains("\(email) already has a pending invitation to that role."))
            let bad = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", "not an address"), ("role", "operator")])
            #expect(bad.text.contains("Enter an email address, like name@example.com."))
            let noCSRF = try await browser.post("/people/invitations", form: [("email", provider.uniqueEmail()), ("role", "operator")])
            #expect(noCSRF.status == .forbidden)
        }
    }

    @Test("organizations are searched and paged by keyset, each with its administrators")
    func organizationsListed() async throws {
        try await withProvider { provider, browser in
            _ = try await Self.staff(.siteAdmin, provider, browser)
            let tag = "Keyset" + UUID().uuidString.prefix(6)
            var made: [Organization] = []
            for index in 0..<(PeoplePage.organizationsPerPage + 2) {
                made.append(try await provider.makeOrganization(String(format: "%@ %02d", tag, index)))
            }
            let admin = try await provider.makeUser(name: "Ada Lovelace")
            try await provider.addMember(admin.user.id, to: made[0], role: .clientAdmin)
            let first = try await browser.get("/people?q=" + tag.lowercased())
            #expect(first.text.contains("<strong>\(tag) 00</strong>"))
            #expect(first.text.contains("administrators: Ada Lovelace (\(admin.email))"))
            #expect(first.text.contains("<strong>\(tag) 19</strong>"))
            #expect(!first.text.contains("<strong>\(tag) 20</strong>"))
            let more = try #require(first.text.firstMatch(of: /<a href="([^"]+)">More organizations/)?.1)
            #expect(String(more) == "/people?q=\(tag.lowercased())&amp;after=\(made[19].id.uuidString.lowercased())#organizations")
            let second = try await browser.get(String(more).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.text.contains("<strong>\(tag) 20</strong>") && second.text.contains("<strong>\(tag) 21</strong>"))
            #expect(!second.text.contains("<strong>\(tag) 19</strong>"))
            #expect(!second.text.contains("More organizations"))
            let none = try await browser.get("/people?q=nothing-" + tag)
            #expect(none.text.contains("No organization's name contains “nothing-\(tag)”."))
        }
    }

    @Test("a client_admin and a plain user get the 404 of a page that does not exist, and no data; signed out: sign in first")
    func onlyPlatformRoles() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization("Secret " + UUID().uuidString.prefix(6))
            let admin = try await provider.makeUser(name: "Ada Lovelace")
            try await provider.addMember(admin.user.id, to: organization, role: .clientAdmin)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let page = try await browser.get("/people")
            #expect(page.status == .notFound)
            #expect(page.text.contains("There is no page at this address."))
            #expect(!page.text.contains(organization.name))
            let csrf = try await browser.get("/account").hiddenField("csrf_token") ?? ""
            let email = provider.uniqueEmail()
            let invite = try await browser.post("/people/invitations", form: [("csrf_token", csrf), ("email", email), ("role", "client_admin"),
                                                                            ("organization_name", "Taken")])
            #expect(invite.status == .notFound)
            #expect(try await provider.lastMail(to: email) == nil, "nothing sent")

            let plain = TestBrowser(browser.client)
            let user = try await provider.makeUser()
            _ = try await plain.signInDirectly(user.email, user.password)
            #expect(try await plain.get("/people").status == .notFound)
            #expect(try await TestBrowser(browser.client).get("/people").location == "/login")
        }
    }

    @Test("the account page links to the organizations the user administers, and for a platform role to the people page")
    func accountLinks() async throws {
        try await withProvider { provider, browser in
            let administered = try await provider.makeOrganization("Contoso " + UUID().uuidString.prefix(6))
            let joined = try await provider.makeOrganization("Joined " + UUID().uuidString.prefix(6))
            let admin = try await provider.makeUser(name: "Ada Lovelace")
            try await provider.addMember(admin.user.id, to: administered, role: .clientAdmin)
            try await provider.addMember(admin.user.id, to: joined, role: .clientUser)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let account = try await browser.get("/account")
            #expect(account.text.contains(#"<a href="/organizations/\#(administered.slug)"><strong>\#(administered.name)</strong></a>"#))
            #expect(!account.text.contains(joined.slug), "no link to an organization they only belong to")
            #expect(!account.text.contains(#"href="/people""#))

            let staff = TestBrowser(browser.client)
            _ = try await Self.staff(.operator, provider, staff)
            let staffAccount = try await staff.get("/account")
            #expect(staffAccount.text.contains(#"<a id="people-link" href="/people"><strong>People</strong></a>"#))

            let plain = TestBrowser(browser.client)
            let user = try await provider.makeUser()
            _ = try await plain.signInDirectly(user.email, user.password)
            #expect(!(try await plain.get("/account")).text.contains(#"<section id="administration">"#))
        }
    }
}
