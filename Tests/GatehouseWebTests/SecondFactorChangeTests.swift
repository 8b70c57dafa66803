import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// A change of the second factor (on, off, new recovery codes) or a password reset ends every
/// other sign-in; turning a factor off or making new codes asks for the second factor itself.
@Suite("Second-factor changes end other sign-ins")
struct SecondFactorChangeTests {
    /// Another browser signed in through a relying party, and the refresh token it got.
    struct Elsewhere {
        let browser: TestBrowser
        let rp: TestRelyingParty
        let refreshToken: String
    }

    func signInElsewhere(_ provider: TestProvider, _ client: any TestClientProtocol, _ user: TestProvider.RegisteredUser,
                         secret: [UInt8]? = nil) async throws -> Elsewhere {
        let browser = TestBrowser(client)
        let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
        let request = TestRelyingParty.Request()
        let response: [String: String]
        if let secret {
            provider.nextTOTPStep()
            response = try await rp.signInWithSecondFactor(user, request, secondFactor: { ("totp", provider.totpCode(secret)) }).response
        } else {
            response = try await rp.signIn(user, request)
        }
        let tokens = try await rp.redeem(code: try #require(response["code"]), verifier: request.verifier).json()
        #expect(try await browser.get("/account").status == .ok)
        return Elsewhere(browser: browser, rp: rp, refreshToken: try #require(tokens["refresh_token"] as? String))
    }

    func expectSignedOut(_ elsewhere: Elsewhere, _ comment: Comment) async throws {
        #expect(try await elsewhere.browser.get("/account").location == "/login", comment)
        let refreshed = try await elsewhere.rp.token([("grant_type", "refresh_token"), ("refresh_token", elsewhere.refreshToken)])
        #expect(try refreshed.json()["error"] as? String == "invalid_grant", comment)
    }

    /// The user signs in on `browser` with password and (when given) the authenticator's code.
    func signInHere(_ provider: TestProvider, _ browser: TestBrowser, _ user: TestProvider.RegisteredUser, secret: [UInt8]?) async throws {
        let afterPassword = try await browser.signInDirectly(user.email, user.password)
        if let secret {
            #expect(afterPassword.location == "/mfa")
            provider.nextTOTPStep()
            #expect(try await browser.submitSecondFactor(provider.totpCode(secret)).location == "/account")
        }
    }

    @Test("turning the authenticator on ends other sessions and refresh tokens; this browser stays signed in")
    func turningOn() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let elsewhere = try await signInElsewhere(provider, browser.client, user)
            _ = try await browser.enrolTOTP(password: user.password, provider: provider)
            try await expectSignedOut(elsewhere, "a session made with the password alone outlived a new second factor")
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    @Test("turning the authenticator off needs its code (or a recovery code), then ends other sessions and refresh tokens")
    func turningOff() async throws {
        try await withProvider { provider, browser in
            let (user, secret, recoveryCodes) = try await provider.makeUserWithTOTP(browser.client)
            try await signInHere(provider, browser, user, secret: secret)
            let elsewhere = try await signInElsewhere(provider, browser.client, user, secret: secret)

            let passwordOnly = try await browser.accountAction("/account/mfa/totp/disable", [("current_password", user.password)])
            #expect(passwordOnly.status == .badRequest)
            #expect(passwordOnly.text.contains("Enter the code your authenticator app shows now, or one of your recovery codes."))
            let wrong = try await browser.accountAction("/account/mfa/totp/disable", [("current_password", user.password),
                                                                                       ("code", provider.totpCode(secret, stepOffset: 5))])
            #expect(wrong.status == .badRequest)
            #expect(try await provider.factors(of: user.user.id) == [.totp], "the password alone turns nothing off")
            #expect(try await elsewhere.browser.get("/account").status == .ok)

            let off = try await browser.accountAction("/account/mfa/totp/disable", [("current_password", user.password),
                                                                                     ("code", recoveryCodes[0])])
            #expect(off.location == "/account?done=totp-off")
            #expect(try await provider.factors(of: user.user.id).isEmpty)
            try await expectSignedOut(elsewhere, "a session outlived the second factor being turned off")
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    @Test("new recovery codes need the second factor and end other sessions and refresh tokens")
    func regeneratingCodes() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            try await signInHere(provider, browser, user, secret: secret)
            let elsewhere = try await signInElsewhere(provider, browser.client, user, secret: secret)
            let passwordOnly = try await browser.accountAction("/account/mfa/recovery-codes", [("current_password", user.password)])
            #expect(passwordOnly.status == .badRequest && passwordOnly.recoveryCodes.isEmpty)
            provider.nextTOTPStep()
            let fresh = try await browser.accountAction("/account/mfa/recovery-codes", [("current_password", user.password),
                                                                                        ("code", provider.totpCode(secret))])
            #expect(fresh.recoveryCodes.count == 10)
            try await expectSignedOut(elsewhere, "a session outlived new recovery codes")
        }
    }

    @Test("emailed codes only: 'Email me a code' sends one, and turning them off needs it")
    func emailOnlyTurnsOffWithEmailedCode() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            _ = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            let account = try await browser.get("/account")
            #expect(account.text.contains(#"id="email-me-a-code""#) && account.text.contains("Code from the email, or a recovery code"))
            let sent = try await browser.accountAction("/account/mfa/email-code", [])
            #expect(sent.status == .ok && sent.text.contains("We sent a code to \(user.email)."))
            let code = try await provider.code(sentTo: user.email)
            let wrong = try await browser.accountAction("/account/mfa/email/disable", [("current_password", user.password),
                                                                                        ("code", code == "000000" ? "111111" : "000000")])
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains("Enter the code from the newest email (choose “Email me a code” first), or one of your recovery codes."))
            let off = try await browser.accountAction("/account/mfa/email/disable", [("current_password", user.password), ("code", code)])
            #expect(off.location == "/account?done=email-mfa-off")
            #expect(try await provider.factors(of: user.user.id).isEmpty)
        }
    }

    @Test("a password reset ends pending second-factor sign-ins, and does not lift the second-factor lock")
    func resetEndsPendingSignInsButNotTheLock() async throws {
        try await withProtectedProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let pending = TestBrowser(browser.client)
            #expect(try await pending.signInDirectly(user.email, user.password).location == "/mfa")
            let mfaPage = try await pending.get("/mfa")

            // Five wrong codes (from another browser with the password) lock the second factor.
            let guesser = TestBrowser(browser.client)
            #expect(try await guesser.signInDirectly(user.email, user.password).location == "/mfa")
            for _ in 0..<5 { _ = try await guesser.submitSecondFactor(provider.totpCode(secret, stepOffset: 7)) }

            let resetter = TestBrowser(browser.client)
            let forgot = try await resetter.get("/forgot-password")
            _ = try await resetter.post("/forgot-password", form: [("csrf_token", forgot.hiddenField("csrf_token") ?? ""), ("email", user.email)])
            let link = try await provider.link(sentTo: user.email, prefix: "/reset-password?")
            let page = try await resetter.get(link)
            let newPassword = "violet harbor lantern 77"
            let done = try await resetter.post("/reset-password", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("token", page.hiddenField("token") ?? ""),
                ("password", newPassword), ("confirm", newPassword)])
            #expect(done.text.contains("Password changed"))

            provider.nextTOTPStep()
            let late = try await pending.post("/mfa", form: [("csrf_token", mfaPage.hiddenField("csrf_token") ?? ""), ("method", "totp"),
                                                             ("code", provider.totpCode(secret))])
            #expect(late.status == .badRequest && late.text.contains("This sign-in took too long or was already finished"),
                    "the pending sign-in that proved the old password ended with the reset")
            #expect(pending.cookies["gh_session"] == nil)

            let owner = TestBrowser(browser.client)
            #expect(try await owner.signInDirectly(user.email, newPassword).location == "/mfa")
            let locked = try await owner.submitSecondFactor(provider.totpCode(secret))
            #expect(locked.status == .tooManyRequests, "the mailbox is not the second factor: the lock stays")
        }
    }
}
