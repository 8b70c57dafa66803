import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Enrolment at sign-in is for users with no factor yet, and confirms only the secret that
/// sign-in showed; an unconfirmed secret lasts 15 minutes and dies when another factor is on.
@Suite("Authenticator enrolment: only your own, fresh secret")
struct SignInEnrolmentTests {
    @Test("POST /mfa/enrol refuses a user who has a factor: a secret planted on the account page cannot be confirmed at the emailed-code step")
    func plantedSecretRefused() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            _ = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            let planted = try #require(try await browser.startTOTPOnAccountPage().totpSecret)

            let attacker = TestBrowser(browser.client)
            #expect(try await attacker.signInDirectly(user.email, user.password).location == "/mfa?method=email")
            let page = try await attacker.get("/mfa?method=email")
            let response = try await attacker.post("/mfa/enrol", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                        ("code", provider.totpCode(planted))])
            #expect(response.status == .seeOther && response.location == "/mfa", "the factor the user has must be proven first")
            #expect(response.recoveryCodes.isEmpty)
            #expect(try await provider.factors(of: user.user.id) == [.email])
            #expect(attacker.cookies["gh_session"] == nil)
        }
    }

    @Test("the sign-in enrolment page never shows, nor confirms, a secret started on the account page")
    func accountPageSecretNotShownAtSignIn() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            try await provider.requireMFA(for: client)
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/account")
            let accountSecret = try #require(try await browser.startTOTPOnAccountPage().totpSecret)

            let person = TestBrowser(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: person)
            let login = try await person.get(try #require(try await person.get(rp.authorizeURL(.init())).location))
            let afterPassword = try await person.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            #expect(afterPassword.location == "/mfa/enrol")
            let page = try await person.get("/mfa/enrol")
            let shown = try #require(page.totpSecret)
            #expect(shown != accountSecret, "a secret started elsewhere (perhaps by someone else) is never handed on")
            #expect(try await person.get("/mfa/enrol").totpSecret == shown, "a reload shows this sign-in's own secret again")
            let csrf = page.hiddenField("csrf_token") ?? ""
            let planted = try await person.post("/mfa/enrol", form: [("csrf_token", csrf), ("code", provider.totpCode(accountSecret))])
            #expect(planted.status == .badRequest && planted.text.contains("That code is not right"))
            #expect(try await provider.factors(of: user.user.id).isEmpty)
            let own = try await person.post("/mfa/enrol", form: [("csrf_token", csrf), ("code", provider.totpCode(shown))])
            #expect(own.status == .ok && own.recoveryCodes.count == 10)
            #expect(try await provider.factors(of: user.user.id) == [.totp])
        }
    }

    @Test("an unconfirmed secret older than 15 minutes cannot be confirmed")
    func expiredSecret() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let page = try await browser.startTOTPOnAccountPage()
            let secret = try #require(page.totpSecret)
            provider.clock.advance(by: 15 * 60 + 1)
            let late = try await browser.post("/account/mfa/totp/confirm", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("enrolment", page.hiddenField("enrolment") ?? ""),
                ("code", provider.totpCode(secret)), ("current_password", user.password)])
            #expect(late.status == .badRequest)
            #expect(late.text.contains("That setup of an authenticator app has expired (a new key works for 15 minutes)."))
            #expect(try await provider.factors(of: user.user.id).isEmpty)
            #expect(try await browser.get("/account/mfa/totp?enrolment=" + (page.hiddenField("enrolment") ?? "")).status == .badRequest,
                    "nor shown again")
        }
    }

    @Test("turning emailed codes on discards an authenticator secret that was never confirmed")
    func discardedWhenAnotherFactorIsOn() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let page = try await browser.startTOTPOnAccountPage()
            let secret = try #require(page.totpSecret)
            _ = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            let late = try await browser.post("/account/mfa/totp/confirm", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("enrolment", page.hiddenField("enrolment") ?? ""),
                ("code", provider.totpCode(secret)), ("current_password", user.password)])
            #expect(late.status == .badRequest)
            #expect(try await provider.factors(of: user.user.id) == [.email])
            let rows = try await TestServices.postgres().query(
                "SELECT count(*) AS n FROM mfa_credentials WHERE user_id = $1 AND confirmed_at IS NULL", [.uuid(user.user.id)])
            #expect(try rows.rows.first?.int("n") == 0)
        }
    }
}
