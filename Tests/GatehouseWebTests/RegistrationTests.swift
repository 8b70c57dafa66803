import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Registration and email verification")
struct RegistrationTests {
    @Test("register during an authorization request → code by email → verified → consent → back at the app")
    func registerIntoTheFlow() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let login = try #require(try await browser.get(rp.authorizeURL(request)).location)
            let requestID = try #require(queryItems("https://x" + login)["request"])
            let loginPage = try await browser.get(login)
            #expect(loginPage.text.contains("/register?request="), "the login page links to registration")

            let email = provider.uniqueEmail()
            let registered = try await browser.register(email: email, password: strongPassword, requestID: requestID)
            #expect(registered.status == .seeOther)
            #expect(registered.location?.hasPrefix("/verify-email?ticket=") == true)
            let user = try #require(try await provider.dependencies.users.find(email: email))
            #expect(!user.emailVerified)

            let code = try await provider.code(sentTo: email)
            let verified = try await browser.enterCode(code, after: registered)
            #expect(verified.location?.hasPrefix("/consent?request=") == true, "verified and signed in, the flow continues")
            #expect(try await provider.dependencies.users.find(email: email)?.emailVerified == true)
            let consent = try await browser.get(try #require(verified.location))
            let back = try await browser.post("/consent", form: [("csrf_token", consent.hiddenField("csrf_token") ?? ""),
                                                                 ("request", requestID), ("decision", "approve")])
            let items = queryItems(try #require(back.location))
            #expect(items["state"] == request.state)
            let tokens = try await rp.redeem(code: try #require(items["code"]), verifier: request.verifier).json()
            let info = try await rp.userinfo(try #require(tokens["access_token"] as? String)).json()
            #expect(info["email"] as? String == email)
            #expect(info["email_verified"] as? Bool == true)
            #expect(info["name"] as? String == "Grace Hopper")
        }
    }

    @Test("an email that already has an account gets the same answer; its owner gets a notice, and no code works")
    func noEnumeration() async throws {
        try await withProvider { provider, browser in
            let existing = try await provider.makeUser()
            let fresh = provider.uniqueEmail()
            let a = try await browser.register(email: existing.email, password: strongPassword)
            let b = try await TestBrowser(browser.client).register(email: fresh, password: strongPassword)
            #expect(a.status == b.status)
            #expect(a.location?.hasPrefix("/verify-email?ticket=") == true && b.location?.hasPrefix("/verify-email?ticket=") == true)
            let pageA = try await browser.get(try #require(a.location))
            #expect(pageA.text.contains("We sent a 6-digit code to"))
            let notice = try #require(try await provider.lastMail(to: existing.email))
            #expect(notice.subject.contains("already have"))
            for guess in ["000000", "123456"] {
                let response = try await browser.enterCode(guess, after: a)
                #expect(response.status == .badRequest)
            }
            #expect(try await provider.dependencies.users.find(email: existing.email)?.passwordHash == existing.user.passwordHash,
                    "the existing account is untouched")
        }
    }

    @Test("wrong codes: an error with tries left, then after 5 the code stops working even if right")
    func wrongCodes() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let registered = try await browser.register(email: email, password: strongPassword)
            let code = try await provider.code(sentTo: email)
            let wrong = code == "000000" ? "111111" : "000000"
            let first = try await browser.enterCode(wrong, after: registered)
            #expect(first.status == .badRequest)
            #expect(first.text.contains("4 tries left"))
            for _ in 0..<4 { _ = try await browser.enterCode(wrong, after: registered) }
            let afterLimit = try await browser.enterCode(code, after: registered)
            #expect(afterLimit.location == nil)
            #expect(try await provider.dependencies.users.find(email: email)?.emailVerified == false)
        }
    }

    @Test("a code expires after 15 minutes")
    func expiredCode() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let registered = try await browser.register(email: email, password: strongPassword)
            let code = try await provider.code(sentTo: email)
            let page = try await browser.get(try #require(registered.location))
            // The deployment's clock, not a wait: Redis still holds the challenge (its TTL runs on
            // Redis's own clock), so only the clock can have ended it.
            provider.clock.advance(by: 15 * 60)
            let response = try await browser.post("/verify-email", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                           ("ticket", page.hiddenField("ticket") ?? ""), ("code", code)])
            #expect(response.text.contains("This code has expired"))
            #expect(response.text.contains("Codes work for 15 minutes. Go back and start again to get a new one."))
            #expect(try await provider.dependencies.users.find(email: email)?.emailVerified == false)
        }
    }

    @Test("resending is throttled and replaces the earlier code")
    func resend() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let registered = try await browser.register(email: email, password: strongPassword)
            let oldCode = try await provider.code(sentTo: email)
            let oldLink = try await provider.link(sentTo: email, prefix: "/verify-email/link?")
            let page = try await browser.get(try #require(registered.location))
            let form = [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("ticket", page.hiddenField("ticket") ?? "")]
            let resent = try await browser.post("/verify-email/resend", form: form)
            #expect(resent.text.contains("We sent a new code"))
            #expect(try await provider.mailCount(to: email) == 2)
            let again = try await browser.post("/verify-email/resend", form: form)
            #expect(again.text.contains("Wait a moment"))
            #expect(try await provider.mailCount(to: email) == 2)
            let newCode = try await provider.code(sentTo: email)
            // Two draws of six digits agree once in a million runs: then this line is a false alarm.
            #expect(newCode != oldCode, "the resent mail carries a new code")
            #expect(try await browser.enterCode(oldCode, after: registered).status == .badRequest, "the earlier code no longer works")
            #expect(try await TestBrowser(browser.client).get(oldLink).text.contains("no longer works"), "nor the earlier link")
            #expect(try await browser.enterCode(newCode, after: registered).location == "/account")
        }
    }

    @Test("the emailed link verifies; opened in another browser it does not sign that browser in")
    func verificationLink() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            _ = try await browser.register(email: email, password: strongPassword)
            let link = try await provider.link(sentTo: email, prefix: "/verify-email/link?")
            let elsewhere = TestBrowser(browser.client)
            let response = try await elsewhere.get(link)
            #expect(response.text.contains("Your email address is verified"))
            #expect(elsewhere.cookies["gh_session"] == nil)
            #expect(try await provider.dependencies.users.find(email: email)?.emailVerified == true)
            #expect(try await elsewhere.get(link).text.contains("no longer works"), "single use")
        }
    }

    @Test("weak passwords are refused with the rule in words, and nothing is created")
    func weakPassword() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let page = try await browser.get("/register")
            #expect(page.text.contains("<li>At least 12 characters</li>"), "the rules are shown before typing")
            for (password, words) in [("short", "at least 12"), ("password1234", "common"), (email + "x", "email")] {
                let response = try await browser.register(email: email, password: password)
                #expect(response.status == .badRequest)
                #expect(response.text.lowercased().contains(words), "\(password): \(response.text)")
            }
            #expect(try await provider.dependencies.users.find(email: email) == nil)
        }
    }

    @Test("invite-only registration: the page says so and nobody can register")
    func inviteOnly() async throws {
        try await withProvider(accounts: { $0.registration = .inviteOnly }) { provider, browser in
            let page = try await browser.get("/register")
            #expect(page.text.contains("invitation only"))
            #expect(!page.text.contains("id=\"register\""))
            let email = provider.uniqueEmail()
            let csrf = try #require(try await browser.get("/login").hiddenField("csrf_token"))
            _ = try await browser.post("/register", form: [("csrf_token", csrf), ("email", email), ("password", strongPassword)])
            #expect(try await provider.dependencies.users.find(email: email) == nil)
            #expect(!(try await browser.get("/login").text.contains("Create an account")))
        }
    }

    @Test("with a terms URL, acceptance is required and recorded with its time")
    func terms() async throws {
        try await withProvider(accounts: { $0.termsURL = "https://example.test/terms" }) { provider, browser in
            let email = provider.uniqueEmail()
            let refused = try await browser.register(email: email, password: strongPassword)
            #expect(refused.text.contains("Accept the terms"))
            let accepted = try await browser.register(email: email, password: strongPassword, extra: [("accept_terms", "yes")])
            #expect(accepted.status == .seeOther)
            let rows = try await TestServices.postgres().query("SELECT terms_accepted_at FROM users WHERE email = $1", [.text(email)]).rows
            #expect(try rows.first?.optionalDate("terms_accepted_at") != nil)
        }
    }

    @Test("an unverified user who signs in is sent to verification first, then on into the flow")
    func unverifiedSignIn() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser(verified: false)
            let response = try await browser.signInDirectly(user.email, user.password)
            #expect(response.location?.hasPrefix("/verify-email?ticket=") == true)
            #expect(browser.cookies["gh_session"] == nil, "no session before verification")
            let verified = try await browser.enterCode(try await provider.code(sentTo: user.email), after: response)
            #expect(verified.location == "/account")
            #expect(browser.cookies["gh_session"] != nil)
        }
    }

    @Test("the registration form refuses a missing CSRF token")
    func csrf() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let response = try await browser.post("/register", form: [("email", email), ("password", strongPassword)])
            #expect(response.status == .forbidden)
            #expect(try await provider.dependencies.users.find(email: email) == nil)
        }
    }
}
