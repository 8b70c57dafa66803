import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// argon2 outside sign-in (the account page's password checks, the history check and new hash,
/// password resets, registrations) is admitted per address and per account before the first
/// hash (`PasswordWorkLimiter`).
@Suite("Password work limits")
struct PasswordWorkLimitTests {
    @Test("40 password changes on one account, default limits: the 11th and later are refused (429) before any argon2")
    func perAccount() async throws {
        let counting = try CountingHasher(TestProvider.cheapHasher())
        try await withProtectedProvider(hasher: counting, protection: .behindProxy()) { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            // The current password again: verified, then refused by the history check (argon2 twice).
            let form = [("current_password", user.password), ("password", user.password), ("confirm", user.password)]
            for _ in 0..<10 {
                let answer = try await browser.accountAction("/account/password", form)
                #expect(answer.status == .badRequest)
                #expect(answer.text.contains("used this password"))
            }
            let spent = counting.verifications
            for _ in 10..<40 {
                let refused = try await browser.accountAction("/account/password", form)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter] == "900")
                #expect(refused.text.contains("Too many password checks"))
                #expect(refused.text.contains("This account asked for its password to be checked or changed too often in a short time"))
            }
            #expect(counting.verifications == spent, "no argon2 for a refused request")

            provider.clock.advance(by: 900)
            #expect(try await browser.accountAction("/account/password", form).text.contains("used this password"), "a new window")
        }
    }

    @Test("account actions with a password, password resets and registrations share one limit per address")
    func perAddress() async throws {
        var protection = TestProtection()
        protection.clientAddresses = ClientAddressResolver(peerOverride: "203.0.113.90")
        protection.settings.perIP[.passwordWork] = LimitPolicy(limit: 2, window: .seconds(300))
        try await withProtectedProvider(protection: protection) { provider, browser in
            let first = try await provider.makeUser(), second = try await provider.makeUser()
            _ = try await browser.signInDirectly(first.email, first.password)
            #expect(try await browser.accountAction("/account/password", [("current_password", "not it"), ("password", strongPassword),
                                                                          ("confirm", strongPassword)]).status == .badRequest)
            #expect(try await browser.accountAction("/account/profile", [("name", "Ada")]).location == "/account?done=profile",
                    "an action without a password runs no argon2 and is not counted")
            let registrant = TestBrowser(browser.client)
            #expect(try await registrant.register(email: provider.uniqueEmail(), password: strongPassword).status == .seeOther)

            let resetter = TestBrowser(browser.client)
            let forgot = try await resetter.get("/forgot-password")
            _ = try await resetter.post("/forgot-password", form: [("csrf_token", forgot.hiddenField("csrf_token") ?? ""), ("email", second.email)])
            let link = try await provider.link(sentTo: second.email, prefix: "/reset-password?")
            let page = try await resetter.get(link)
            let refused = try await resetter.post("/reset-password", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("token", page.hiddenField("token") ?? ""),
                ("password", strongPassword), ("confirm", strongPassword)])
            #expect(refused.status == .tooManyRequests, "the third request with password work from the address")
            #expect(refused.headers[.retryAfter] == "300")
            #expect(refused.text.contains("Too many attempts came from your network in a short time"))
            #expect(try await TestBrowser(browser.client).signInDirectly(second.email, second.password).location == "/account",
                    "the refused reset changed nothing")
        }
    }
}
