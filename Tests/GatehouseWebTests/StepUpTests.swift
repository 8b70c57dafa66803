import Foundation
import GatehouseCore
import GatehouseTesting
import HummingbirdTesting
import Testing

@Suite("MFA policy and step-up: acr_values, max_age, per client, for everyone (OIDC Core §3.1.2.1)")
struct StepUpTests {
    @Test("acr_values=mfa steps up a live password-only session: MFA page, then a new session id and acr mfa")
    func acrValuesStepUp() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            // Enrolled inside this session: the session itself proved only the password.
            let (secret, _) = try await browser.enrolTOTP(password: user.password, provider: provider)
            provider.nextTOTPStep()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            let plain = TestRelyingParty.Request()
            let (plainItems, _, _) = try await rp.signInWithSecondFactor(user, plain)
            let plainClaims = try await rp.idTokenClaims(code: try #require(plainItems["code"]), verifier: plain.verifier)
            #expect(plainClaims["acr"] as? String == "pwd", "without acr_values the live session answers")
            let oldSession = try #require(browser.cookies["gh_session"])

            var request = TestRelyingParty.Request()
            request.extra = [("acr_values", "mfa")]
            let first = try await browser.get(rp.authorizeURL(request))
            #expect(first.location == "/mfa", "straight to the second factor, no password again")
            let (items, _, _) = try await rp.signInWithSecondFactor(user, request) { ("totp", provider.totpCode(secret)) }
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["acr"] as? String == "mfa")
            #expect(claims["amr"] as? [String] == ["pwd", "otp", "mfa"])
            #expect(claims["sid"] as? String != plainClaims["sid"] as? String, "a new session at step-up")
            #expect(browser.cookies["gh_session"] != oldSession)
            let old = try await provider.session(cookie: oldSession)
            #expect(old == nil, "the password-only session is over")
        }
    }

    @Test("acr_values=mfa with prompt=none and a password-only session answers interaction_required")
    func promptNone() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            var request = TestRelyingParty.Request()
            request.extra = [("acr_values", "mfa"), ("prompt", "none")]
            let response = try await browser.get(rp.authorizeURL(request))
            let items = queryItems(try #require(response.location))
            #expect(items["error"] == "interaction_required")
            #expect(items["error_description"] == "the request needs a second factor")
            #expect(items["state"] == request.state)
        }
    }

    @Test("a user without a factor asked for acr mfa signs in again, enrols, and gets acr mfa")
    func acrValuesWithoutFactorEnrols() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            var request = TestRelyingParty.Request()
            request.extra = [("acr_values", "mfa")]
            let (items, secret, codes) = try await rp.signInWithSecondFactor(user, request)
            #expect(secret != nil && codes.count == 10)
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["acr"] as? String == "mfa")
        }
    }

    @Test("max_age steps a user with TOTP up through password and code")
    func maxAge() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signInWithSecondFactor(user) { ("totp", provider.totpCode(secret)) }
            provider.clock.advance(by: 120)
            var request = TestRelyingParty.Request()
            request.extra = [("max_age", "60")]
            #expect(try await browser.get(rp.authorizeURL(request)).location?.hasPrefix("/login") == true)
            let (items, _, _) = try await rp.signInWithSecondFactor(user, request) { ("totp", provider.totpCode(secret)) }
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["acr"] as? String == "mfa")
        }
    }

    @Test("a client that requires MFA makes a user without a factor enrol at sign-in, then continues the flow")
    func clientRequiresMFA() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            try await provider.requireMFA(for: client)
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let login = try await browser.get(try #require(try await browser.get(rp.authorizeURL(.init())).location))
            let afterPassword = try await browser.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            #expect(afterPassword.location == "/mfa/enrol")
            let page = try await browser.get("/mfa/enrol")
            #expect(page.text.contains(#"id="totp-code""#) && page.text.contains(#"id="enable-totp""#))
            #expect(!page.text.contains("current_password"), "the password was proven a moment ago")
            let wrong = try await browser.post("/mfa/enrol", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("code", "12")])
            #expect(wrong.status == .badRequest)

            browser.forgetCookies()
            let request = TestRelyingParty.Request()
            let (items, secret, codes) = try await rp.signInWithSecondFactor(user, request)
            #expect(secret != nil && codes.count == 10)
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["amr"] as? [String] == ["pwd", "otp", "mfa"])
            #expect(try await provider.factors(of: user.user.id) == [.totp])

            // Another client without the policy: the same user now always proves the factor.
            let relaxed = try await provider.makeClient()
            let other = TestBrowser(browser.client)
            let otherRP = TestRelyingParty(provider: provider, client: relaxed, browser: other)
            provider.nextTOTPStep()
            let (otherItems, _, _) = try await otherRP.signInWithSecondFactor(user) { ("totp", provider.totpCode(try #require(secret))) }
            #expect(otherItems["code"] != nil)
        }
    }

    @Test("GATEHOUSE_MFA_REQUIRED: a direct sign-in without a factor enrols before the session starts")
    func requiredForEveryone() async throws {
        try await withProvider(configure: { $0.requireMFA = true }) { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/mfa/enrol")
            let page = try await browser.get("/mfa/enrol")
            let secret = try #require(page.totpSecret)
            let codes = try await browser.post("/mfa/enrol", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                   ("code", provider.totpCode(secret))])
            #expect(codes.recoveryCodes.count == 10)
            #expect(browser.cookies["gh_session"] == nil, "no session until the person continues")
            #expect(try await browser.get("/mfa").text.contains("Continue"), "a reload offers only Continue")
            let done = try await browser.post("/mfa/continue", form: [("csrf_token", codes.hiddenField("csrf_token") ?? "")])
            #expect(done.location == "/account")
            let session = try #require(try await provider.session(cookie: browser.cookies["gh_session"]))
            #expect(session.amr == ["pwd", "otp", "mfa"])
        }
    }
}
