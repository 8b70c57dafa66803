import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Forgot and reset password")
struct PasswordResetTests {
    func requestReset(_ browser: TestBrowser, email: String) async throws -> TestResponse {
        let page = try await browser.get("/forgot-password")
        return try await browser.post("/forgot-password", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", email)])
    }

    func reset(_ browser: TestBrowser, link: String, password: String, confirm: String? = nil) async throws -> TestResponse {
        let page = try await browser.get(link)
        return try await browser.post("/reset-password", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                               ("token", page.hiddenField("token") ?? ""), ("password", password),
                                                               ("confirm", confirm ?? password)])
    }

    @Test("the same answer whether or not the account exists; only the owner gets a link")
    func sameAnswer() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let unknown = provider.uniqueEmail()
            let known = try await requestReset(browser, email: user.email)
            let other = try await requestReset(browser, email: unknown)
            #expect(known.status == other.status)
            #expect(known.text.replacingOccurrences(of: user.email, with: "X") == other.text.replacingOccurrences(of: unknown, with: "X")
                .replacingOccurrences(of: other.hiddenField("csrf_token") ?? "-", with: known.hiddenField("csrf_token") ?? "-"))
            try await provider.waitForMail(to: user.email)
            #expect(try await provider.mailCount(to: unknown) == 0)
            #expect(try await provider.lastMail(to: user.email)?.subject.contains("Reset") == true)
        }
    }

    @Test("a reset sets the password, works once, signs out everywhere and revokes refresh tokens; an email tells the owner")
    func resetSignsOutEverywhere() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            let refresh = try #require(try await rp.redeem(code: code, verifier: request.verifier).json()["refresh_token"] as? String)

            let resetter = TestBrowser(browser.client)
            _ = try await requestReset(resetter, email: user.email)
            let link = try await provider.link(sentTo: user.email, prefix: "/reset-password?")
            let newPassword = "violet harbor lantern 77"
            let done = try await reset(resetter, link: link, password: newPassword)
            #expect(done.text.contains("Password changed"))
            #expect(try await provider.lastMail(to: user.email)?.subject.contains("password was changed") == true)

            #expect(try await browser.get("/account").location == "/login", "the old browser session ended")
            let refreshed = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(try refreshed.json()["error"] as? String == "invalid_grant")
            #expect(try await resetter.signInDirectly(user.email, user.password).text.contains("not right"))
            #expect(try await TestBrowser(browser.client).signInDirectly(user.email, newPassword).location == "/account")

            #expect(try await resetter.get(link).text.contains("no longer works"), "the link works once")
        }
    }

    @Test("an invalid, expired or tampered link is refused")
    func invalidLinks() async throws {
        try await withProvider(accounts: { $0.passwordResetLifetime = .seconds(1800) }) { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.get("/reset-password?token=nonsense").text.contains("no longer works"))
            _ = try await requestReset(browser, email: user.email)
            let link = try await provider.link(sentTo: user.email, prefix: "/reset-password?")
            #expect(try await browser.get(link + "x").text.contains("no longer works"))
            provider.clock.advance(by: 1801)
            #expect(try await browser.get(link).text.contains("no longer works"))
        }
    }

    @Test("the reset page enforces the policy: weak, mismatched and reused passwords are refused")
    func policyOnReset() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await requestReset(browser, email: user.email)
            let link = try await provider.link(sentTo: user.email, prefix: "/reset-password?")
            #expect(try await reset(browser, link: link, password: "tooshort").text.contains("at least 12"))
            #expect(try await reset(browser, link: link, password: strongPassword, confirm: "different words here").text.contains("differ"))
            let reused = try await reset(browser, link: link, password: user.password)
            #expect(reused.status == .badRequest)
            #expect(reused.text.contains("current password") || reused.text.contains("used this password"))
            #expect(try await reset(browser, link: link, password: strongPassword).text.contains("Password changed"), "the link still works after refusals")
        }
    }

    @Test("the forgot-password form refuses a missing CSRF token")
    func csrf() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let response = try await browser.post("/forgot-password", form: [("email", user.email)])
            #expect(response.status == .forbidden)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await provider.mailCount(to: user.email) == 0)
        }
    }
}

@Suite("Maximum password age")
struct PasswordAgeTests {
    @Test("an expired password must be changed at the next sign-in (off by default, ASVS 2.1.10)")
    func expiredPassword() async throws {
        var policy = PasswordPolicySettings()
        policy.maximumAgeDays = 90
        try await withProvider(policy: policy) { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/account", "a fresh password is fine")
            provider.clock.advance(by: 91 * 86_400)
            let fresh = TestBrowser(browser.client)
            let response = try await fresh.signInDirectly(user.email, user.password)
            let location = try #require(response.location)
            #expect(location.hasPrefix("/reset-password?token="))
            #expect(fresh.cookies["gh_session"] == nil, "no session until the password is changed")
            #expect(try await fresh.get(location).text.contains("too old"))
        }
    }
}
