import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Signing in with a second factor: the MFA page, amr and acr, replay and the attempt limit")
struct MFASignInTests {
    @Test("after the password a user with TOTP gets the MFA page, not a session")
    func mfaPageAfterPassword() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, _, _) = try await provider.makeUserWithTOTP(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let login = try await browser.get(try #require(try await browser.get(rp.authorizeURL(.init())).location))
            let afterPassword = try await browser.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            #expect(afterPassword.location == "/mfa")
            #expect(browser.cookies["gh_session"] == nil, "no session before the second factor")
            let mfaCookie = try #require(afterPassword.headers[values: .setCookie].first { $0.hasPrefix("__Host-gh_mfa=") })
            #expect(mfaCookie.contains("HttpOnly") && mfaCookie.lowercased().contains("samesite=lax"))
            #expect(try await browser.get("/account").location == "/login", "the account page is still closed")

            let page = try await browser.get("/mfa")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="mfa-code""#) && page.text.contains(#"name="code""#) && page.text.contains(#"id="verify-mfa""#))
            #expect(page.text.contains(#"id="use-recovery-code""#), "a link to use a recovery code")
            #expect(page.text.contains("Test App"), "the page names the application")
            let other = TestBrowser(browser.client)
            #expect(try await other.get("/mfa").status == .badRequest, "another browser has no pending sign-in")
        }
    }

    @Test("a correct code continues the flow; the ID token carries amr [pwd, otp, mfa] and acr mfa (RFC 8176)")
    func amrAndACR() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let (items, _, _) = try await rp.signInWithSecondFactor(user, request) { ("totp", provider.totpCode(secret)) }
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["amr"] as? [String] == ["pwd", "otp", "mfa"])
            #expect(claims["acr"] as? String == "mfa")
            #expect(browser.cookies["gh_mfa"] == nil, "the pending sign-in's cookie is gone")
            let account = try await browser.get("/account")
            #expect(account.status == .ok)
            #expect(try await provider.auditTypes(of: user.user.id).contains("mfa_used"))
        }
    }

    @Test("a password-only sign-in carries acr pwd, and discovery lists pwd and mfa")
    func passwordOnlyACR() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let claims = try await rp.idTokenClaims(code: try #require(try await rp.signIn(user, request)["code"]), verifier: request.verifier)
            #expect(claims["amr"] as? [String] == ["pwd"])
            #expect(claims["acr"] as? String == "pwd")
            let discovery = try await browser.get("/.well-known/openid-configuration").json()
            #expect(discovery["acr_values_supported"] as? [String] == ["pwd", "mfa"])
            #expect((discovery["claims_supported"] as? [String])?.contains("acr") == true)
        }
    }

    @Test("a used code is refused when sent again in its window (RFC 6238 §5.2)")
    func replayRefused() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let code = provider.totpCode(secret)
            let first = TestRelyingParty(provider: provider, client: client, browser: browser)
            #expect(try await first.signInWithSecondFactor(user) { ("totp", code) }.response["code"] != nil)

            let second = TestBrowser(browser.client)
            _ = try await second.signInDirectly(user.email, user.password)
            provider.clock.advance(by: 1)
            let replayed = try await second.submitSecondFactor(code)
            #expect(replayed.status == .badRequest && replayed.text.contains("code is not right"))
            #expect(second.cookies["gh_session"] == nil)
        }
    }

    @Test("two requests racing with one code: exactly one signs in (compare-and-set on the time step)")
    func parallelReplay() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let browsers = [TestBrowser(browser.client), TestBrowser(browser.client), TestBrowser(browser.client)]
            var forms: [[(String, String)]] = []
            for each in browsers {
                #expect(try await each.signInDirectly(user.email, user.password).location == "/mfa")
                let page = try await each.get("/mfa")
                forms.append([("csrf_token", page.hiddenField("csrf_token") ?? ""), ("method", "totp"), ("code", provider.totpCode(secret))])
            }
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (each, form) in zip(browsers, forms) {
                    group.addTask { try await each.post("/mfa", form: form).location == "/account" }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1, "one success, got \(results)")
        }
    }

    @Test("codes one step early or late are accepted, two steps away refused")
    func window() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            provider.clock.advance(by: 300)
            _ = try await browser.signInDirectly(user.email, user.password)
            #expect(try await browser.submitSecondFactor(provider.totpCode(secret, stepOffset: -2)).status == .badRequest)
            #expect(try await browser.submitSecondFactor(provider.totpCode(secret, stepOffset: 2)).status == .badRequest)
            #expect(try await browser.submitSecondFactor(provider.totpCode(secret, stepOffset: -1)).location == "/account")

            let later = TestBrowser(browser.client)
            _ = try await later.signInDirectly(user.email, user.password)
            #expect(try await later.submitSecondFactor(provider.totpCode(secret, stepOffset: 1)).location == "/account")
        }
    }

    @Test("wrong codes until the limit: the fifth locks two-step verification, then even the right code is refused (429)")
    func attemptLimit() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            _ = try await browser.signInDirectly(user.email, user.password)
            let right = provider.totpCode(secret)
            let wrong = String(format: "%06d", (Int(right)! + 1) % 1_000_000)
            for attempt in 1...4 {
                let response = try await browser.submitSecondFactor(wrong)
                #expect(response.status == .badRequest, "attempt \(attempt)")
            }
            let fifth = try await browser.submitSecondFactor(wrong)
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.headers[.retryAfter] != nil)
            let locked = try await browser.submitSecondFactor(right)
            #expect(locked.status == .tooManyRequests, "the right code is refused while locked")
            #expect(browser.cookies["gh_session"] == nil)
            // Another browser with the password gets no more tries either.
            let other = TestBrowser(browser.client)
            _ = try await other.signInDirectly(user.email, user.password)
            #expect(try await other.submitSecondFactor(right).status == .tooManyRequests)
        }
    }

    @Test("the MFA form without this browser's CSRF token is refused before any code is checked")
    func csrf() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            _ = try await browser.signInDirectly(user.email, user.password)
            let forged = try await browser.post("/mfa", form: [("csrf_token", "forged"), ("method", "totp"), ("code", provider.totpCode(secret))])
            #expect(forged.status == .forbidden)
            #expect(try await browser.submitSecondFactor(provider.totpCode(secret)).location == "/account", "the code was not used up")
        }
    }

    @Test("a direct sign-in for a user without a factor still needs no second step")
    func noFactorNoDetour() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/account")
        }
    }
}
