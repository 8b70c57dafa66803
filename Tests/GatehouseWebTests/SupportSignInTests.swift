import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// Support sign-in on the real stack (issue 11 item 8): started from the console with a reason,
/// marked on every page, `act` in the tokens and at `/introspect` and `/userinfo`, no refresh
/// token, refused at the console, the admin API and the user's sensitive self-service, gone after
/// 15 minutes, ended by the banner's button with the administrator's own session back, refused
/// for an administrator and for oneself, audited, and listed on the user's `/account`.
@Suite("Support sign-in")
struct SupportSignInTests {
    /// Signs `admin` in on `browser` and starts a support session as `user`: the response.
    static func start(_ browser: TestBrowser, as admin: TestProvider.RegisteredUser, for user: TestProvider.RegisteredUser,
                      reason: String = "Ticket 4711: the invoice page is empty") async throws -> TestResponse {
        _ = try await browser.signInDirectly(admin.email, admin.password)
        let path = AdminConsoleTests.path(user)
        // A token of the account page's forms (one's own console page has no forms).
        let csrf = try await browser.get("/account").hiddenField("csrf_token") ?? ""
        return try await browser.post(path + "/support-sign-in", form: [("csrf_token", csrf), ("reason", reason)])
    }

    /// The user allowed `client` before (a support session never consents for them).
    static func allowed(_ client: TestProvider.RegisteredClient, by user: TestProvider.RegisteredUser, _ provider: TestProvider,
                        scopes: Set<String> = ["openid", "profile", "email", "offline_access"]) async throws -> TestProvider.RegisteredClient {
        try await provider.dependencies.consents.grant(userID: user.user.id, clientID: client.id, scopes: scopes, at: provider.clock.now)
        return client
    }

    static func claims(_ jwt: String) throws -> String {
        let parts = jwt.split(separator: ".").map(String.init)
        return String(decoding: try #require(Base64URL.decode(parts[1])), as: UTF8.self)
    }

    @Test("a site admin starts one with a reason: the banner on the user's pages, act in the ID and access tokens, at /introspect and /userinfo, no refresh token; the end brings the admin back")
    func startUseAndEnd() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let user = try await provider.makeUser(name: "Ada Lovelace")
            let page = try await { () async throws -> TestResponse in
                _ = try await browser.signInDirectly(admin.email, admin.password)
                return try await browser.get(AdminConsoleTests.path(user))
            }()
            #expect(page.text.contains("<summary>Sign in as this user (support)</summary>"))
            #expect(page.text.contains(#"<form method="post" action="\#(AdminConsoleTests.path(user))/support-sign-in">"#))

            let started = try await Self.start(browser, as: admin, for: user)
            #expect(started.status == .seeOther)
            #expect(started.location == "/account")
            #expect(browser.cookies["gh_support"] != nil)
            #expect(browser.cookies["gh_session"] != nil, "the administrator's own session is kept")

            let account = try await browser.get("/account")
            #expect(account.status == .ok)
            #expect(account.text.contains("Signed in as <strong>\(user.email)</strong>"))
            #expect(account.text.contains(#"<aside class="support-banner" role="alert" aria-label="Support session">"#))
            #expect(account.text.contains("<p><strong>Support session:</strong> Grace Hopper (\(admin.email)) is acting as <strong>\(user.email)</strong>. Reason: Ticket 4711: the invoice page is empty. Ends at "))
            #expect(account.text.contains("(15 min left).</p>"))
            #expect(account.text.contains(#"<button type="submit" class="small danger">End support session</button>"#))
            #expect(account.text.contains("<li><div><strong>\(admin.email)</strong><br><span class=\"fine\">"))
            #expect(account.text.contains("still going, 1 minute · Ticket 4711: the invoice page is empty</span></div></li>"))
            let mail = try #require(try await provider.lastMail(to: user.email))
            #expect(mail.subject == "An administrator signed in as you for support")
            #expect(mail.text.contains("Grace Hopper (\(admin.email)) signed in to your account for support until "))
            #expect(mail.text.contains("Reason given: Ticket 4711: the invoice page is empty."))

            // An app sign-in in the support session: the tokens name the administrator.
            let rp = TestRelyingParty(provider: provider, client: try await Self.allowed(try await provider.makeClient(), by: user, provider),
                                      browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            let tokens = try await rp.redeem(code: code, verifier: request.verifier).json()
            let act = #""act":{"sub":"\#(admin.subject)"}"#
            let idToken = try tokens.string("id_token"), accessToken = try tokens.string("access_token")
            #expect(try Self.claims(idToken).hasPrefix(#"{"acr":"pwd",\#(act),"amr":["pwd"],"#))
            #expect(try Self.claims(accessToken).hasPrefix("{" + act + ","))
            #expect(try Self.claims(accessToken).contains(#""sub":"\#(user.subject)""#))
            #expect(tokens["refresh_token"] == nil, "nothing issued in a support session outlives it")
            let expiresIn = try #require(tokens["expires_in"] as? Int)
            #expect(expiresIn <= 900)
            let introspection = try await rp.authenticatedPost("/introspect", [("token", accessToken)])
            #expect(introspection.text.hasPrefix(#"{"act":{"sub":"\#(admin.subject)"},"active":true,"#))
            let userinfo = try await rp.userinfo(accessToken)
            #expect(userinfo.text.hasPrefix(#"{"act":{"sub":"\#(admin.subject)"},"#))

            // The console, the admin's way back in, is closed to it; so is changing the password.
            let console = try await browser.get("/admin")
            #expect(console.status == .forbidden)
            #expect(console.text.contains("The console is not available while you act as a user. End the support session first."))
            #expect(console.text.contains("End support session</button>"), "the banner shows on the refusal too")
            let csrf = try #require(account.hiddenField("csrf_token"))
            let password = try await browser.post("/account/password", form: [
                ("csrf_token", csrf), ("current_password", user.password), ("password", "a new Password 12345"), ("confirm", "a new Password 12345")])
            #expect(password.status == .forbidden)
            #expect(password.text.contains("Passwords, second factors, the email address, API keys, exporting or deleting the account and signing out elsewhere are for the user alone."))
            #expect(try await browser.get("/account/export").status == .forbidden)
            // The admin API neither: a token from the support session is refused whatever it grants.
            let managing = try await Self.allowed(try await provider.makeClient(scopes: ["openid", "gatehouse:manage"]), by: user, provider,
                                                  scopes: ["openid", "gatehouse:manage"])
            let manager = TestRelyingParty(provider: provider, client: managing, browser: browser)
            var manage = TestRelyingParty.Request()
            manage.scope = "openid gatehouse:manage"
            let manageCode = try #require(try await manager.signIn(user, manage)["code"])
            let manageToken = try await manager.redeem(code: manageCode, verifier: manage.verifier).json().string("access_token")
            let api = try await APIClient(browser: browser, token: manageToken).call(.get, "/api/v1/users")
            #expect(api.status == .forbidden)
            #expect(api.text == #"{"detail":"the access token was issued in a support session; the admin API is not available in one","status":403,"title":"Not during a support session","type":"urn:gatehouse:problem:support-session"}"#)
            #expect(try await browser.post("/account/keys", form: [("csrf_token", csrf), ("name", "x")]).status == .forbidden)

            // The banner's button ends it: the token stops working, the administrator is back.
            let ended = try await browser.post("/support/end", form: [("csrf_token", csrf)])
            #expect(ended.status == .seeOther)
            #expect(ended.location == AdminConsoleTests.path(user) + "?done=support-sign-in-ended")
            #expect(try await rp.introspect(accessToken).count == 1)
            #expect(try await rp.userinfo(accessToken).status == .unauthorized)
            let back = try await browser.get(ended.location ?? "")
            #expect(back.status == .ok)
            #expect(back.text.contains("The support session ended; you are signed in as yourself again."))
            #expect(!back.text.contains("support-banner"))

            let events = try await provider.audit.newest(limit: 20, subject: user.user.id).map(\.revealedEvent)
            let support = events.filter { $0.type.rawValue.hasPrefix("support_") }
            #expect(support.map(\.type) == [.supportSessionEnded, .supportTokensIssued, .supportTokensIssued, .supportSessionStarted])
            #expect(support.allSatisfy { $0.actor == "user:" + admin.subject && $0.subject == user.user.id })
            #expect(support.allSatisfy { $0.details["reason"] == "Ticket 4711: the invoice page is empty" })
            // The reason is free text: kept beside the MACed body, so an erasure can remove it.
            let macedReasons = try await provider.audit.newest(limit: 20, subject: user.user.id).compactMap { $0.event.details["reason"] }
            #expect(macedReasons.isEmpty)
            #expect(support[1].clientID == manager.client.id && support[2].clientID == rp.client.id)
            #expect(support[0].details["ended"] == "ended by the administrator")
            let listed = try await provider.dependencies.sessions.supportSignIns(userID: user.user.id, limit: 5)
            #expect(listed.count == 1 && listed[0].impersonatorEmail == admin.email)
            _ = try await provider.audit.verify()
        }
    }

    @Test("after 15 minutes it is gone: the browser is the administrator's again, the code and the tokens from it refused")
    func expires() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.superAdmin, provider)
            let user = try await provider.makeUser()
            #expect(try await Self.start(browser, as: admin, for: user).location == "/account")
            let rp = TestRelyingParty(provider: provider, client: try await Self.allowed(try await provider.makeClient(), by: user, provider),
                                      browser: browser)
            let tokens = try await rp.tokens(for: user)
            let accessToken = try tokens.string("access_token")
            #expect(try await rp.introspect(accessToken)["active"] as? Bool == true)

            provider.clock.advance(by: 14 * 60)
            #expect(try await browser.get("/account").text.contains("(1 min left)"), "not extended by use")
            provider.clock.advance(by: 61)
            let account = try await browser.get("/account")
            #expect(account.status == .ok)
            #expect(account.text.contains("Signed in as <strong>\(admin.email)</strong>"))
            #expect(!account.text.contains("support-banner"))
            #expect(try await rp.introspect(accessToken).count == 1)
            let sessions = try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now)
            #expect(sessions.isEmpty)
        }
    }

    @Test("refused for another administrator, for oneself, for an operator, without a reason, for a suspended user; nothing stored or audited")
    func refusals() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let organization = try await AdminConsoleTests.organization(provider)
            let clientAdmin = try await AdminConsoleTests.member(provider, of: organization, as: .clientAdmin)
            let clientAdminPage = try await { () async throws -> TestResponse in
                _ = try await browser.signInDirectly(admin.email, admin.password)
                return try await browser.get(AdminConsoleTests.path(clientAdmin))
            }()
            #expect(!clientAdminPage.text.contains("Sign in as this user"), "no form where the rule refuses")

            let other = try await Self.start(browser, as: admin, for: clientAdmin)
            #expect(other.status == .forbidden)
            #expect(other.text.contains("This user holds an administrator role: nobody signs in as another administrator."))
            let own = try await Self.start(browser, as: admin, for: admin)
            #expect(own.status == .forbidden)
            #expect(own.text.contains("You cannot sign in as yourself for support."))
            let user = try await provider.makeUser()
            let noReason = try await Self.start(browser, as: admin, for: user, reason: "  ")
            #expect(noReason.status == .badRequest)
            #expect(noReason.text.contains("Say why you sign in as this user"))
            _ = try await provider.dependencies.lifecycle.changeStatus(userID: user.user.id, from: [.active], to: .suspended,
                                                                      notBefore: provider.clock.now, by: admin.user.id, at: provider.clock.now)
            #expect(try await Self.start(browser, as: admin, for: user).status == .conflict)

            let operatorUser = try await AdminConsoleTests.staff(.operator, provider)
            let target = try await provider.makeUser()
            let operatorBrowser = TestBrowser(browser.client)
            let refused = try await Self.start(operatorBrowser, as: operatorUser, for: target)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Signing in as a user is for super admins and site admins."))

            #expect(browser.cookies["gh_support"] == nil && operatorBrowser.cookies["gh_support"] == nil)
            for person in [clientAdmin, admin, user, target] {
                #expect(try await provider.dependencies.sessions.supportSignIns(userID: person.user.id, limit: 5).isEmpty)
                let events = try await provider.audit.newest(limit: 20, subject: person.user.id).map(\.event.type)
                #expect(!events.contains(.supportSessionStarted))
            }
        }
    }

    @Test("a code issued in a support session that ended since is refused at /token; the export lists the support sign-in")
    func codeAfterEnd() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let user = try await provider.makeUser()
            #expect(try await Self.start(browser, as: admin, for: user).location == "/account")
            let rp = TestRelyingParty(provider: provider, client: try await Self.allowed(try await provider.makeClient(), by: user, provider),
                                      browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            let csrf = try #require(try await browser.get("/account").hiddenField("csrf_token"))
            #expect(try await browser.post("/support/end", form: [("csrf_token", csrf)]).status == .seeOther)
            let refused = try await rp.redeem(code: code, verifier: request.verifier)
            #expect(refused.status == .badRequest)
            #expect(refused.text == #"{"error":"invalid_grant","error_description":"the support session this was issued in has ended"}"#)

            let export = try await browser.get(AdminConsoleTests.path(user) + "/export").json()
            let listed = try #require(export["support_sign_ins"] as? [[String: Any]])
            #expect(listed.count == 1)
            #expect(listed.first?["administrator_email"] as? String == admin.email)
            #expect(listed.first?["reason"] as? String == "Ticket 4711: the invoice page is empty")
        }
    }

    @Test("a support session never consents for the user: an app they have not allowed answers access_denied")
    func noConsent() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let user = try await provider.makeUser()
            #expect(try await Self.start(browser, as: admin, for: user).location == "/account")
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let request = TestRelyingParty.Request()
            let answer = try await browser.get(rp.authorizeURL(request))
            let location = try #require(answer.location)
            #expect(location.hasPrefix(rp.client.redirectURI))
            let parameters = queryItems(location)
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["error_description"] == "a support session cannot approve an application for the user")
            #expect(parameters["state"] == request.state)
            #expect(try await provider.dependencies.consents.grantedScopes(userID: user.user.id, clientID: rp.client.id).isEmpty)
        }
    }

    @Test("signing out in a support session ends it alone: the administrator is still signed in")
    func signOut() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let user = try await provider.makeUser()
            #expect(try await Self.start(browser, as: admin, for: user).location == "/account")
            let page = try await browser.get("/logout")
            #expect(page.text.contains(user.email))
            let confirmed = try await browser.post("/logout", form: [("csrf_token", try #require(page.hiddenField("csrf_token"))), ("confirm", "yes")])
            #expect(confirmed.status == .ok)
            #expect(confirmed.text.contains("You are signed out"))
            #expect(!confirmed.text.contains("support-banner"))
            #expect(browser.cookies["gh_support"] == nil)
            #expect(try await browser.get("/admin").status == .ok, "the administrator's own session is untouched")
            let events = try await provider.audit.newest(limit: 20, subject: user.user.id).map(\.event)
            #expect(events.first?.type == .supportSessionEnded)
            #expect(events.first?.details["ended"] == "signed out")
        }
    }

    @Test("the administrator's own session ending (signed out everywhere from another device) ends the support session at its next use, audited")
    func endsWithTheAdministratorsSession() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let user = try await provider.makeUser()
            #expect(try await Self.start(browser, as: admin, for: user).location == "/account")
            #expect(try await browser.get("/account").text.contains("support-banner"))
            try await provider.dependencies.sessions.revokeAll(userID: admin.user.id, at: provider.clock.now)
            let account = try await browser.get("/account")
            #expect(account.status == .seeOther, "signed out: neither session lives")
            #expect(account.location?.hasPrefix("/login") == true)
            let events = try await provider.audit.newest(limit: 20, subject: user.user.id).map(\.event)
            #expect(events.first?.type == .supportSessionEnded)
            #expect(events.first?.details["ended"] == "the administrator's own session ended")
            #expect(events.first?.actor == AuditEvent.user(admin.user.id))
        }
    }

    @Test("the rule is asked again on every use: the user made a client_admin ends the session at the next page, audited")
    func ruleOnEveryUse() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let organization = try await AdminConsoleTests.organization(provider)
            let user = try await AdminConsoleTests.member(provider, of: organization)
            #expect(try await Self.start(browser, as: admin, for: user).location == "/account")
            #expect(try await browser.get("/account").text.contains("support-banner"))
            try await provider.dependencies.organizations.memberships.save(
                Membership(organizationID: organization.id, userID: user.user.id, role: .clientAdmin, createdAt: provider.clock.now, createdBy: nil),
                at: provider.clock.now, by: nil)
            let account = try await browser.get("/account")
            #expect(!account.text.contains("support-banner"))
            #expect(account.text.contains("Signed in as <strong>\(admin.email)</strong>"))
            let events = try await provider.audit.newest(limit: 20, subject: user.user.id).map(\.event)
            #expect(events.first?.type == .supportSessionEnded)
            #expect(events.first?.details["ended"] == "no longer allowed")
        }
    }
}
