import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// The organization page (issue 10 item 8) on PostgreSQL: what its administrators see and do,
/// and that nobody else sees anything.
@Suite("The organization page")
struct OrganizationPageTests {
    /// An organization with a client_admin (signed in in `browser`) and a member with an authenticator app.
    static func administered(_ provider: TestProvider, _ browser: TestBrowser) async throws
        -> (organization: Organization, admin: TestProvider.RegisteredUser, member: TestProvider.RegisteredUser) {
        let organization = try await provider.makeOrganization("Northwind " + UUID().uuidString.prefix(6))
        let admin = try await provider.makeUser(name: "Ada Lovelace")
        try await provider.addMember(admin.user.id, to: organization, role: .clientAdmin)
        let member = try await provider.makeUser(name: "Charles Babbage")
        try await provider.addMember(member.user.id, to: organization, role: .clientUser)
        _ = try await provider.dependencies.mfa.credentials.enableWithoutSecret(userID: member.user.id, kind: .email, at: provider.clock.now)
        _ = try await browser.signInDirectly(admin.email, admin.password)
        return (organization, admin, member)
    }

    @Test("its administrator sees the members with their roles and second factors, and the invite form for members")
    func show() async throws {
        try await withProvider { provider, browser in
            let (organization, admin, member) = try await Self.administered(provider, browser)
            let page = try await browser.get("/organizations/\(organization.slug)")
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>\(organization.name)</h1>"))
            #expect(page.text.contains("<strong>Ada Lovelace</strong> <span class=\"badge\">Administrator</span>"))
            #expect(page.text.contains("<strong>Charles Babbage</strong> <span class=\"badge\">Member</span>"))
            #expect(page.text.contains("\(member.email) · two-step: emailed codes"))
            #expect(page.text.contains("\(admin.email) · no second factor"))
            #expect(page.text.contains(#"<select id="invite-role" name="role"><option value="client_user" selected>Member</option></select>"#),
                    "a client_admin invites members only")
            #expect(page.text.contains(#"data-organization="\#(organization.id.uuidString.lowercased())""#))
        }
    }

    @Test("inviting sends the mail with the inviter's name; the invitation is listed, resent and revoked from the page")
    func invitations() async throws {
        try await withProvider { provider, browser in
            let (organization, _, member) = try await Self.administered(provider, browser)
            let path = "/organizations/\(organization.slug)"
            let email = provider.uniqueEmail()
            let form = try await browser.get(path)
            let sent = try await browser.post(path + "/invitations", form: [("csrf_token", form.hiddenField("csrf_token") ?? ""),
                                                                             ("email", email), ("role", "client_user")])
            #expect(sent.location == path + "?done=invited")
            let mail = try #require(try await provider.lastMail(to: email))
            #expect(mail.subject == "You are invited to join \(organization.name) on Gatehouse")
            #expect(mail.text.contains("Ada Lovelace invited you"))
            let listed = try await browser.get(path + "?done=invited")
            #expect(listed.text.contains("The invitation is on its way."))
            #expect(listed.text.contains("<strong>\(email)</strong> <span class=\"badge ok\">Pending</span>"))

            let again = try await browser.post(path + "/invitations", form: [("csrf_token", listed.hiddenField("csrf_token") ?? ""),
                                                                              ("email", email), ("role", "client_user")])
            #expect(again.status == .badRequest)
            #expect(again.text.contains("\(email) already has a pending invitation here. Resend it instead."))
            let existing = try await browser.post(path + "/invitations", form: [("csrf_token", listed.hiddenField("csrf_token") ?? ""),
                                                                                 ("email", member.email), ("role", "client_user")])
            #expect(existing.text.contains("\(member.email) is already a member."))
            let above = try await browser.post(path + "/invitations", form: [("csrf_token", listed.hiddenField("csrf_token") ?? ""),
                                                                              ("email", provider.uniqueEmail()), ("role", "client_admin")])
            #expect(above.status == .badRequest)
            #expect(above.text.contains("You may not invite someone to that role here."))

            let id = try #require(listed.text.firstMatch(of: /name="invitation" value="([0-9a-f-]+)"/)?.1)
            let resent = try await browser.post(path + "/invitations/resend", form: [("csrf_token", listed.hiddenField("csrf_token") ?? ""),
                                                                                      ("invitation", String(id))])
            #expect(resent.location == path + "?done=resent")
            let afterResend = try await browser.get(path)
            #expect(afterResend.text.contains("Replaced by a newer link"))
            let newID = try #require(afterResend.text.firstMatch(of: /name="invitation" value="([0-9a-f-]+)"/)?.1)
            let revoked = try await browser.post(path + "/invitations/revoke", form: [("csrf_token", afterResend.hiddenField("csrf_token") ?? ""),
                                                                                       ("invitation", String(newID))])
            #expect(revoked.location == path + "?done=revoked")
            #expect(try await browser.get(path).text.contains("<strong>\(email)</strong> <span class=\"badge\">Revoked</span>"))
        }
    }

    @Test("the settings rename the organization and set its second-factor policy; a required policy needs a method")
    func settings() async throws {
        try await withProvider { provider, browser in
            let (organization, _, _) = try await Self.administered(provider, browser)
            let path = "/organizations/\(organization.slug)"
            let csrf = try await browser.get(path).hiddenField("csrf_token") ?? ""
            let none = try await browser.post(path + "/settings", form: [("csrf_token", csrf), ("name", organization.name),
                                                                          ("second_factor", "required")])
            #expect(none.status == .badRequest)
            #expect(none.text.contains("Choose at least one way to sign in in two steps"))
            let saved = try await browser.post(path + "/settings", form: [("csrf_token", csrf), ("name", "Northwind Renamed"),
                                                                           ("second_factor", "required"), ("method", "totp"), ("method", "email")])
            #expect(saved.location == path + "?done=saved")
            let stored = try #require(try await provider.dependencies.organizations.organizations.find(id: organization.id))
            #expect(stored.name == "Northwind Renamed" && stored.secondFactor == .required([.authenticatorApp, .emailedCode]))
            let page = try await browser.get(path)
            #expect(page.text.contains(#"<input type="radio" name="second_factor" value="required" checked>"#))
        }
    }

    @Test("a member who does not administer it gets 403; anyone else, and any other organization's slug, the 404 of an unknown one")
    func access() async throws {
        try await withProvider { provider, browser in
            let (organization, _, _) = try await Self.administered(provider, browser)
            // A member without a second factor, so signing in is one step.
            let member = try await provider.makeUser(name: "Mo Member")
            try await provider.addMember(member.user.id, to: organization, role: .clientUser)
            let other = try await provider.makeOrganization("Other " + UUID().uuidString.prefix(6))
            let path = "/organizations/\(organization.slug)"
            #expect(try await browser.get("/organizations/\(other.slug)").status == .notFound, "another organization's admin page")
            #expect(try await browser.get("/organizations/\(other.id.uuidString.lowercased())").status == .notFound)
            let csrf = try await browser.get(path).hiddenField("csrf_token") ?? ""
            let foreign = try await browser.post("/organizations/\(other.slug)/settings", form: [("csrf_token", csrf), ("name", "Taken over"),
                                                                                                 ("second_factor", "off")])
            #expect(foreign.status == .notFound)
            #expect(try await provider.dependencies.organizations.organizations.find(id: other.id)?.name != "Taken over")

            let memberBrowser = TestBrowser(browser.client)
            _ = try await memberBrowser.signInDirectly(member.email, member.password)
            let forbidden = try await memberBrowser.get(path)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.text.contains("only its administrators manage it"))
            #expect(!forbidden.text.contains(member.email), "no member list")
            #expect(try await TestBrowser(browser.client).get(path).location == "/login", "signed out: sign in first")
            for bad in ["%00", "x" + String(repeating: "y", count: 300), "..%2F..", "%E2%80%AE"] {
                #expect(try await browser.get("/organizations/" + bad).status == .notFound, "\(bad.prefix(10))")
            }
        }
    }

    @Test("the page's script is the one the CSP allows by its hash")
    func script() async throws {
        let template = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("templates/organization.mustache"),
                                  encoding: .utf8)
        #expect(template.contains("<script>" + LiveNoticeScript.text + "</script>"), "the template's copy differs from the hashed text")
        try await withProvider { _, browser in
            let response = try await browser.get("/login")
            let hash = Data(OpenSSLCrypto().sha256(LiveNoticeScript.text)).base64EncodedString()
            #expect(response.headers[.contentSecurityPolicy]?.contains("'sha256-\(hash)'") == true)
            #expect(response.headers[.contentSecurityPolicy]?.contains("connect-src 'self'") == true)
        }
    }
}
