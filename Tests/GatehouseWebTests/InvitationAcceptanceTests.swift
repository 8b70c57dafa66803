import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// The page an invitation's link opens (issue 10 item 4), on PostgreSQL, Redis and the real
/// password hasher.
@Suite("Accepting an invitation")
struct InvitationAcceptanceTests {
    /// A `client_admin` invitation to a new organization of its own name, sent from the shell.
    static func invite(_ provider: TestProvider, email: String? = nil) async throws -> (Invitations.Issued, organization: String) {
        let name = "Acme " + UUID().uuidString.prefix(8)
        let issued = try await provider.invitations.invite(email: email ?? provider.uniqueEmail(), role: .clientAdmin,
                                                           place: .newOrganization(name: name), by: .serverOperator)
        return (issued, name)
    }

    @Test("opening the link shows who invited whom to what; a new account joins, verified, and is signed in")
    func newAccount() async throws {
        try await withProvider { provider, browser in
            let inviter = try await provider.makeUser(name: "Ada Lovelace")
            let organization = try await provider.makeOrganization()
            try await provider.addMember(inviter.user.id, to: organization, role: .clientAdmin)
            let principal = try await provider.principal(inviter.user.id)
            let email = provider.uniqueEmail()
            let issued = try await provider.invitations.invite(email: email, role: .clientUser, place: .organization(organization.id),
                                                               by: principal)
            let link = "/invitations/" + issued.token

            let page = try await browser.get(link)
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Join \(organization.name)</h1>"))
            #expect(page.text.contains(#"<p class="lead">Ada Lovelace invited you to join \#(organization.name) as a member.</p>"#))
            #expect(page.text.contains(#"<input id="email" type="email" value="\#(email)" readonly>"#))
            _ = try await browser.get(link)  // a mail scanner's second look uses nothing up

            let weak = try await browser.post(link, form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("name", "Grace"),
                                                           ("password", "short")])
            #expect(weak.status == .badRequest)
            #expect(weak.text.contains("Please fix the following"))
            #expect(try await provider.dependencies.users.find(email: email) == nil)

            let accepted = try await browser.post(link, form: [("csrf_token", weak.hiddenField("csrf_token") ?? ""),
                                                               ("name", "Grace Hopper"), ("password", strongPassword)])
            #expect(accepted.location == "/account")
            let user = try #require(try await provider.dependencies.users.find(email: email))
            #expect(user.emailVerified && user.name == "Grace Hopper")
            #expect(try await provider.dependencies.organizations.memberships.membership(organizationID: organization.id, userID: user.id)?.role
                        == .clientUser)
            #expect(try await browser.get("/account").status == .ok, "signed in")

            let again = try await TestBrowser(browser.client).get(link)
            #expect(again.status == .gone)
            #expect(again.text.contains("This invitation was accepted and cannot be used again."))
        }
    }

    @Test("a link that does not work says which way: unknown, revoked, replaced, expired; never a 500")
    func stoppedLinks() async throws {
        try await withProvider { provider, browser in
            for bad in ["nonsense", String(repeating: "A", count: 43), String(repeating: "x", count: 5000), "%00%FF"] {
                let page = try await browser.get("/invitations/" + bad)
                #expect(page.status == .notFound, "\(bad.prefix(20))")
                #expect(page.text.contains("This is not a working invitation link."))
            }
            let (revoked, _) = try await Self.invite(provider)
            _ = try await provider.invitations.revoke(id: revoked.invitation.id, by: .serverOperator)
            let revokedPage = try await browser.get("/invitations/" + revoked.token)
            #expect(revokedPage.status == .gone)
            #expect(revokedPage.text.contains("This invitation was withdrawn by the people who sent it."))

            let (first, _) = try await Self.invite(provider)
            let second = try await provider.invitations.resend(id: first.invitation.id, by: .serverOperator)
            #expect(try await browser.get("/invitations/" + first.token).text.contains("A newer invitation was sent to you"))
            #expect(try await browser.get("/invitations/" + second.token).status == .ok)

            let (expiring, _) = try await Self.invite(provider)
            provider.clock.advance(by: 7 * 86400 + 1)
            let expired = try await browser.get("/invitations/" + expiring.token)
            #expect(expired.status == .gone)
            #expect(expired.text.contains("This invitation has expired."))
            // And a POST to it creates nothing.
            let posted = try await browser.post("/invitations/" + expiring.token,
                                                form: [("csrf_token", expired.hiddenField("csrf_token") ?? ""), ("password", strongPassword)])
            #expect(posted.status != .internalServerError)
            #expect(try await provider.dependencies.users.find(email: expiring.invitation.email) == nil)
        }
    }

    @Test("the same link accepted by several browsers at once creates one account; the others are told it is used")
    func parallelAccepts() async throws {
        try await withProvider { provider, browser in
            let (issued, name) = try await Self.invite(provider)
            let link = "/invitations/" + issued.token
            var browsers: [(TestBrowser, String)] = []
            for _ in 0..<4 {
                let other = TestBrowser(browser.client)
                browsers.append((other, try await other.get(link).hiddenField("csrf_token") ?? ""))
            }
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for (other, csrf) in browsers {
                    group.addTask {
                        let response = try await other.post(link, form: [("csrf_token", csrf), ("name", "Grace"), ("password", strongPassword)])
                        return (Int(response.status.code), response.location)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.1 == "/account" }.count == 1, "\(answers)")
            #expect(answers.filter { $0.0 == 200 || $0.0 == 410 }.count == 3, "the others see the used link or the sign-in page: \(answers)")
            let user = try #require(try await provider.dependencies.users.find(email: issued.invitation.email))
            let organization = try #require(try await provider.dependencies.organizations.organizations.find(slug: OrganizationNames.slug(from: name)))
            #expect(try await provider.dependencies.organizations.memberships.membership(organizationID: organization.id, userID: user.id)?.role
                        == .clientAdmin)
        }
    }

    @Test("someone with an account signs in first, then accepts with one button; signed in as someone else, they are told")
    func existingAccount() async throws {
        try await withProvider { provider, browser in
            let invited = try await provider.makeUser()
            let (issued, name) = try await Self.invite(provider, email: invited.email)
            let link = "/invitations/" + issued.token

            let signedOut = try await browser.get(link)
            #expect(signedOut.text.contains("You already have an account for <strong>\(invited.email)</strong>."))
            #expect(signedOut.text.contains(#"<a class="button primary" href="/login">Sign in</a>"#))
            #expect(!signedOut.text.contains("new-password"))
            // A password posted anyway (with a token from another page of this browser) makes no second account.
            let posted = try await browser.post(link, form: [("csrf_token", try await browser.get("/login").hiddenField("csrf_token") ?? ""),
                                                             ("password", strongPassword)])
            #expect(posted.text.contains("You already have an account"))

            let someoneElse = try await provider.makeUser()
            let otherBrowser = TestBrowser(browser.client)
            _ = try await otherBrowser.signInDirectly(someoneElse.email, someoneElse.password)
            let wrongAccount = try await otherBrowser.get(link)
            #expect(wrongAccount.text.contains("You are signed in as <strong>\(someoneElse.email)</strong>, but this invitation is for"))
            let refused = try await otherBrowser.post(link, form: [("csrf_token", try await otherBrowser.get("/account").hiddenField("csrf_token") ?? "")])
            #expect(refused.text.contains("but this invitation is for"))

            _ = try await browser.signInDirectly(invited.email, invited.password)
            let signedIn = try await browser.get(link)
            #expect(signedIn.text.contains(#"<button id="accept-invitation" type="submit" class="primary">Accept invitation</button>"#))
            let accepted = try await browser.post(link, form: [("csrf_token", signedIn.hiddenField("csrf_token") ?? "")])
            #expect(accepted.location == "/account?done=invitation")
            let organization = try #require(try await provider.dependencies.organizations.organizations.find(slug: OrganizationNames.slug(from: name)))
            #expect(try await provider.dependencies.organizations.memberships.membership(organizationID: organization.id,
                                                                                        userID: invited.user.id)?.role == .clientAdmin)
            #expect(try await browser.get("/account?done=invitation").text.contains("You accepted the invitation."))
        }
    }

    @Test("a form without this browser's CSRF token is refused and accepts nothing")
    func csrf() async throws {
        try await withProvider { provider, browser in
            let (issued, _) = try await Self.invite(provider)
            let response = try await browser.post("/invitations/" + issued.token, form: [("name", "Mallory"), ("password", strongPassword)])
            #expect(response.status == .forbidden)
            #expect(try await provider.dependencies.users.find(email: issued.invitation.email) == nil)
        }
    }
}
