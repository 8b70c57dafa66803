import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// The console (`/admin`, issue 11 items 1, 2 and 9) on PostgreSQL: who gets in (anonymous →
/// sign in and back, client_user → 403, an administrator without a second factor → enrol, a
/// session without one → prove it), what a client_admin sees (their members; anyone else 404),
/// search edge inputs, and the support actions (CSRF, who may act on whom, the audit trail).
@Suite("The console")
struct AdminConsoleTests {
    /// A provider whose console asks for a second factor only when `secondFactor` (the
    /// deployment default is on; most tests here are about other rules).
    static func withConsole(secondFactor: Bool = false, _ body: @escaping @Sendable (TestProvider, TestBrowser) async throws -> Void) async throws {
        var configured = try await TestProvider()
        configured.dependencies.administration.requireSecondFactor = secondFactor
        let provider = configured
        try await provider.application().test(.router) { client in try await body(provider, TestBrowser(client)) }
    }

    static func organization(_ provider: TestProvider) async throws -> Organization {
        try await provider.dependencies.organizations.organizations.create(Organization(
            id: UUID(), name: "Org " + UUID().uuidString.prefix(6), slug: "org-" + UUID().uuidString.prefix(8).lowercased(),
            status: .active, createdAt: provider.clock.now, createdBy: nil))
    }

    static func member(_ provider: TestProvider, of organization: Organization, as role: Role = .clientUser,
                       name: String = "Ada Lovelace") async throws -> TestProvider.RegisteredUser {
        let user = try await provider.makeUser(name: name)
        try await provider.dependencies.organizations.memberships.save(
            Membership(organizationID: organization.id, userID: user.user.id, role: role, createdAt: provider.clock.now, createdBy: nil),
            at: provider.clock.now, by: nil)
        return user
    }

    static func staff(_ role: Role, _ provider: TestProvider) async throws -> TestProvider.RegisteredUser {
        let user = try await provider.makeUser(name: "Grace Hopper")
        try await provider.dependencies.organizations.memberships.setPlatformRole(role, userID: user.user.id, at: provider.clock.now, by: nil)
        return user
    }

    static func path(_ user: TestProvider.RegisteredUser) -> String { "/admin/users/" + user.user.id.uuidString.lowercased() }

    @Test("anonymous: sent to sign in, and back to the console page it asked for")
    func anonymous() async throws {
        try await Self.withConsole { provider, browser in
            let asked = try await browser.get("/admin/users?q=ada")
            #expect(asked.status == .seeOther)
            #expect(asked.location == "/login")
            #expect(browser.cookies["gh_return"] == "/admin/users?q=ada")
            let operatorUser = try await Self.staff(.operator, provider)
            let signedIn = try await browser.signInDirectly(operatorUser.email, operatorUser.password)
            #expect(signedIn.location == "/admin/users?q=ada")
            #expect((try await browser.get("/admin/users?q=ada")).status == .ok)
            // The cookie went with the sign-in: the next one goes to the account page.
            browser.forgetCookies()
            let again = try await browser.signInDirectly(operatorUser.email, operatorUser.password)
            #expect(again.location == "/account")
        }
    }

    @Test("only a console path is ever taken from the return cookie")
    func returnPaths() {
        #expect(ReturnAfterSignIn.accepted("/admin") == "/admin")
        #expect(ReturnAfterSignIn.accepted("/admin/users/x?q=a") == "/admin/users/x?q=a")
        #expect(ReturnAfterSignIn.accepted("//evil.example/admin") == nil)
        #expect(ReturnAfterSignIn.accepted("https://evil.example/admin") == nil)
        #expect(ReturnAfterSignIn.accepted("/administrator") == nil)
        #expect(ReturnAfterSignIn.accepted("/admin/\\evil") == nil)
        #expect(ReturnAfterSignIn.accepted("/admin/\u{0}") == nil)
        #expect(ReturnAfterSignIn.accepted(nil) == nil)
    }

    @Test("a client_user (and a user without a role) gets the 403 page and no data")
    func clientUser() async throws {
        try await Self.withConsole { provider, browser in
            let organization = try await Self.organization(provider)
            let user = try await Self.member(provider, of: organization)
            _ = try await browser.signInDirectly(user.email, user.password)
            for path in ["/admin", "/admin/users", Self.path(user)] {
                let page = try await browser.get(path)
                #expect(page.status == .forbidden, "\(path)")
                #expect(page.text.contains("The console is for administrators. Your account holds no administrator role."))
                #expect(!page.text.contains(user.email))
            }
        }
    }

    @Test("GATEHOUSE_ADMIN_MFA: an admin without a factor enrols one, a session that did not prove one proves it, then the console")
    func secondFactor() async throws {
        try await Self.withConsole(secondFactor: true) { provider, browser in
            let admin = try await Self.staff(.siteAdmin, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let enrol = try await browser.get("/admin")
            #expect(enrol.location == "/mfa/enrol")
            let page = try await browser.get("/mfa/enrol")
            let secret = try #require(page.totpSecret)
            let shown = try await browser.post("/mfa/enrol", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                   ("code", provider.totpCode(secret))])
            let done = try await browser.post("/mfa/continue", form: [("csrf_token", shown.hiddenField("csrf_token") ?? "")])
            #expect(done.location == "/admin")
            let console = try await browser.get("/admin")
            #expect(console.status == .ok)
            #expect(console.text.contains("<h1>Console</h1>"))

            // A new sign-in with the password alone proves the factor at sign-in already (the
            // user has one); a session from before the factor steps up at the console.
            provider.nextTOTPStep()
            let other = TestBrowser(browser.client)
            let signIn = try await other.signInDirectly(admin.email, admin.password)
            #expect(signIn.location == "/mfa")
        }
    }

    @Test("a session without a second factor steps up at the console and comes back")
    func stepUp() async throws {
        try await Self.withConsole(secondFactor: true) { provider, browser in
            let admin = try await Self.staff(.operator, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            // A factor added on the account page keeps this session as it was (no second factor proven in it).
            let (secret, _) = try await browser.enrolTOTP(password: admin.password, provider: provider)
            provider.nextTOTPStep()
            let asked = try await browser.get("/admin/users")
            #expect(asked.location == "/mfa")
            let proved = try await browser.submitSecondFactor(provider.totpCode(secret))
            #expect(proved.location == "/admin/users")
            #expect((try await browser.get("/admin/users")).status == .ok)
        }
    }

    @Test("a client_admin sees the members of their organization only: another organization's user is 404, its filter finds nobody")
    func clientAdminScope() async throws {
        try await Self.withConsole { provider, browser in
            let mine = try await Self.organization(provider), theirs = try await Self.organization(provider)
            let marker = "scope" + UUID().uuidString.prefix(8).lowercased()
            let admin = try await Self.member(provider, of: mine, as: .clientAdmin, name: "Admin \(marker)")
            let colleague = try await Self.member(provider, of: mine, name: "Colleague \(marker)")
            let stranger = try await Self.member(provider, of: theirs, name: "Stranger \(marker)")
            _ = try await browser.signInDirectly(admin.email, admin.password)

            let dashboard = try await browser.get("/admin")
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("You see the members of the organizations you administer."))
            #expect(!dashboard.text.contains(#"<ul class="counts">"#), "the deployment's counts are not a client_admin's")

            let found = try await browser.get("/admin/users?q=" + marker)
            #expect(found.status == .ok)
            #expect(found.text.contains(colleague.email))
            #expect(found.text.contains(admin.email))
            #expect(!found.text.contains(stranger.email))
            let byID = try await browser.get("/admin/users?q=" + stranger.user.id.uuidString)
            #expect(!byID.text.contains(stranger.email))
            #expect(byID.text.contains("Nobody matches."))
            let filtered = try await browser.get("/admin/users?organization=" + theirs.slug)
            #expect(filtered.text.contains("No organization has the address “\(theirs.slug)”."))

            let hidden = try await browser.get(Self.path(stranger))
            #expect(hidden.status == .notFound)
            #expect(!hidden.text.contains(stranger.email))
            let unknown = try await browser.get("/admin/users/" + UUID().uuidString.lowercased())
            #expect(unknown.status == .notFound)
            #expect(unknown.text == hidden.text)
            let notAnID = try await browser.get("/admin/users/not-an-id")
            #expect(notAnID.status == .notFound)

            let page = try await browser.get(Self.path(colleague))
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1 class=\"wrap\">\(colleague.email)</h1>"))
            #expect(page.text.contains(#"<a href="/organizations/\#(mine.slug)">\#(mine.name)</a></div><span class="badge">Member</span>"#))
            let csrf = page.hiddenField("csrf_token") ?? ""
            let hiddenAction = try await browser.post(Self.path(stranger) + "/unlock", form: [("csrf_token", csrf)])
            #expect(hiddenAction.status == .notFound)
            let ownAction = try await browser.post(Self.path(admin) + "/unlock", form: [("csrf_token", csrf)])
            #expect(ownAction.status == .forbidden)
            #expect(ownAction.text.contains("Manage your own account on your account page."))
            let peer = try await Self.member(provider, of: mine, as: .clientAdmin)
            let peerAction = try await browser.post(Self.path(peer) + "/sign-out-everywhere", form: [("csrf_token", csrf)])
            #expect(peerAction.status == .forbidden)
            #expect(!(try await browser.get(Self.path(peer))).text.contains(#"action="\#(Self.path(peer))/unlock""#))
        }
    }

    @Test("search text with %, _, quotes and 10 KB answers a page; NUL is the 400 of every page; an id opens the user")
    func searchEdges() async throws {
        try await Self.withConsole { provider, browser in
            let admin = try await Self.staff(.operator, provider)
            let target = try await provider.makeUser(name: "O'Brien 100% _x_")
            _ = try await browser.signInDirectly(admin.email, admin.password)
            for text in ["%", "_", "%_%", "'", "\"", "O'Brien 100%", "\\", "tab\tand space", String(repeating: "ada%_x'", count: 1_463), "李小龍"] {
                let page = try await browser.get("/admin/users?q=" + FormEncoding.encodeComponent(text) + "&order=last_sign_in&mfa=none&role=client_user")
                #expect(page.status == .ok, "\(text.prefix(20))")
            }
            let exact = try await browser.get("/admin/users?q=" + FormEncoding.encodeComponent("o'brien 100% _x_"))
            #expect(exact.text.contains(target.email))
            let byID = try await browser.get("/admin/users?q=" + target.user.id.uuidString)
            #expect(byID.location == Self.path(target))
            let badCursor = try await browser.get("/admin/users?cursor=zzz&order=nonsense&role=king&mfa=maybe")
            #expect(badCursor.status == .ok)
            // A NUL (or bytes that are not UTF-8) in a query is refused where every page reads its
            // query, with the page that says so: a 400, never a 500.
            let nul = try await browser.get("/admin/users?q=a%00b")
            #expect(nul.status == .badRequest)
            // 10 KB of text (above) is read; a query past the 16 KiB every page takes is refused.
            let huge = try await browser.get("/admin/users?q=" + String(repeating: "%25", count: 6_000))
            #expect(huge.status == .badRequest)
        }
    }

    @Test("keyset pages: next and previous links walk the directory without repeats")
    func paging() async throws {
        try await Self.withConsole { provider, browser in
            let admin = try await Self.staff(.siteAdmin, provider)
            let organization = try await Self.organization(provider)
            var emails: [String] = []
            for _ in 0..<23 { emails.append(try await Self.member(provider, of: organization).email) }
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let first = try await browser.get("/admin/users?organization=" + organization.slug)
            #expect(first.text.components(separatedBy: "<li>").count - 1 == 20)
            #expect(!first.text.contains(#"rel="prev""#))
            let next = try #require(first.text.firstMatch(of: /<a href="([^"]+)" rel="next">/)?.1)
            let second = try await browser.get(String(next).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.text.components(separatedBy: "<li>").count - 1 == 3)
            #expect(!second.text.contains(#"rel="next""#))
            let shown = emails.filter { first.text.contains($0) } + emails.filter { second.text.contains($0) }
            #expect(Set(shown) == Set(emails))
            #expect(shown.count == emails.count)
            let previous = try #require(second.text.firstMatch(of: /<a href="([^"]+)" rel="prev">/)?.1)
            let back = try await browser.get(String(previous).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(emails.filter { back.text.contains($0) }.count == 20)
        }
    }

    @Test("support actions: CSRF required, done, audited with the administrator as actor; the dashboard counts")
    func actions() async throws {
        try await Self.withConsole { provider, browser in
            let admin = try await Self.staff(.operator, provider)
            let (user, _, _) = try await provider.makeUserWithTOTP(browser.client)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let dashboard = try await browser.get("/admin")
            #expect(dashboard.text.contains("<span>Active sessions</span>"))
            let page = try await browser.get(Self.path(user))
            #expect(page.text.contains("Authenticator app"))
            #expect(page.text.contains("sign in succeeded"))
            let csrf = page.hiddenField("csrf_token") ?? ""
            let forged = try await browser.post(Self.path(user) + "/reset-second-factors", form: [])
            #expect(forged.status == .forbidden)
            #expect(try await provider.factors(of: user.user.id) == [.totp])

            let reset = try await browser.post(Self.path(user) + "/reset-second-factors", form: [("csrf_token", csrf)])
            #expect(reset.location == Self.path(user) + "?done=reset-second-factors")
            #expect(try await provider.factors(of: user.user.id) == [])
            let shown = try await browser.get(reset.location ?? "")
            #expect(shown.text.contains("Their second factors and recovery codes are removed; they enrol again at their next sign-in."))
            #expect(shown.text.contains("None enrolled."))

            let out = try await browser.post(Self.path(user) + "/sign-out-everywhere", form: [("csrf_token", csrf)])
            #expect(out.location == Self.path(user) + "?done=sign-out-everywhere")
            #expect(try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now).isEmpty)

            let mailed = try await browser.post(Self.path(user) + "/password-reset", form: [("csrf_token", csrf)])
            #expect(mailed.location == Self.path(user) + "?done=password-reset")
            #expect(try await provider.link(sentTo: user.email, prefix: "/reset-password?token=").isEmpty == false)

            let unlocked = try await browser.post(Self.path(user) + "/unlock", form: [("csrf_token", csrf)])
            #expect(unlocked.location == Self.path(user) + "?done=unlock")
            let unknownAction = try await browser.post(Self.path(user) + "/frobnicate", form: [("csrf_token", csrf)])
            #expect(unknownAction.status == .notFound)

            let events = try await provider.dependencies.administration.reader.auditEvents(subject: user.user.id, limit: 10)
            let byAdmin = events.filter { $0.event.actor == AuditEvent.user(admin.user.id) }
            #expect(byAdmin.map(\.event.type.rawValue) == ["account_unlocked", "admin_action", "signed_out_everywhere", "mfa_removed"])
            #expect(byAdmin.map { $0.event.details["action"] ?? "" }
                    == ["console unlock", "console password-reset", "console sign-out-everywhere", "console reset-second-factors"])
        }
    }

    @Test("platform roles act only on lower roles")
    func platformRanks() async throws {
        try await Self.withConsole { provider, browser in
            let admin = try await Self.staff(.operator, provider)
            let peer = try await Self.staff(.operator, provider)
            let higher = try await Self.staff(.siteAdmin, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let page = try await browser.get(Self.path(peer))
            #expect(page.status == .ok)
            #expect(page.text.contains("They hold a role at or above yours"))
            let csrf = page.hiddenField("csrf_token") ?? ""
            for target in [peer, higher] {
                let refused = try await browser.post(Self.path(target) + "/unlock", form: [("csrf_token", csrf)])
                #expect(refused.status == .forbidden)
            }
        }
    }
}
