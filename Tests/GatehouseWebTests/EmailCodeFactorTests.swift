import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("Emailed one-time codes as a second factor")
struct EmailCodeFactorTests {
    @Test("turning emailed codes on needs the password; sign-in then mails a 6-digit code that works once (amr [pwd, otp, mfa])")
    func emailCodeFlow() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            #expect(try await browser.accountAction("/account/mfa/email/enable", [("current_password", "no")]).status == .badRequest)
            let on = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            #expect(on.status == .ok && on.recoveryCodes.count == 10, "the first factor brings recovery codes")
            #expect(try await provider.factors(of: user.user.id) == [.email])

            let signIn = TestBrowser(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: signIn)
            let request = TestRelyingParty.Request()
            let login = try await signIn.get(try #require(try await signIn.get(rp.authorizeURL(request)).location))
            let afterPassword = try await signIn.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            #expect(afterPassword.location == "/mfa?method=email", "the code is sent right away")
            let mail = try #require(try await provider.lastMail(to: user.email))
            #expect(mail.subject.hasSuffix("is your Gatehouse sign-in code"))
            #expect(!mail.text.contains("http") || !mail.text.contains("verify-email/link"), "a code, never a sign-in link")
            let code = try await provider.code(sentTo: user.email)
            let page = try await signIn.get("/mfa?method=email")
            #expect(page.text.contains("We sent a 6-digit code to \(user.email)"))
            let wrong = try await signIn.post("/mfa", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("method", "email"),
                                                             ("code", code == "000000" ? "111111" : "000000")])
            #expect(wrong.status == .badRequest)
            let done = try await signIn.post("/mfa", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("method", "email"),
                                                            ("code", code)])
            let consent = try #require(done.location)
            #expect(consent.hasPrefix("/consent"))
            let consentPage = try await signIn.get(consent)
            let approved = try await signIn.post("/consent", form: [("csrf_token", consentPage.hiddenField("csrf_token") ?? ""),
                                                                  ("request", consentPage.hiddenField("request") ?? ""), ("decision", "approve")])
            let items = queryItems(try #require(approved.location))
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["amr"] as? [String] == ["pwd", "otp", "mfa"])
            #expect(claims["acr"] as? String == "mfa")

            let again = TestBrowser(browser.client)
            _ = try await again.signInDirectly(user.email, user.password)
            let reused = try await again.submitSecondFactor(code, method: "email")
            #expect(reused.status == .badRequest, "a sign-in code works once, for its own sign-in")
        }
    }

    @Test("asking for another code within a minute of the last one sends nothing")
    func resendThrottled() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            _ = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            let signIn = TestBrowser(browser.client)
            #expect(try await signIn.signInDirectly(user.email, user.password).location == "/mfa?method=email")
            let page = try await signIn.get("/mfa?method=email")
            let tooSoon = try await signIn.post("/mfa/email", form: [("csrf_token", page.hiddenField("csrf_token") ?? "")])
            #expect(tooSoon.location == "/mfa?method=email&problem=wait")
            #expect(try await provider.mailCount(to: user.email) == 2, "the enable notice and one code")
            #expect(try await signIn.get("/mfa?method=email&problem=wait").text.contains("less than a minute ago"))
        }
    }
}
