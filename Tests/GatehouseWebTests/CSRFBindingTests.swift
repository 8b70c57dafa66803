import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// CSRF tokens are bound to the state a form acts in (OWASP CSRF Cheat Sheet, "signed
/// double-submit cookie" bound to the session): the session, or before it the pending sign-in,
/// and the authorization request a form names. A token from elsewhere gets the 403 page.
@Suite("CSRF tokens bound to the session, the pending sign-in and the authorization request")
struct CSRFBindingTests {
    static let refusal = "This form has expired"

    func expectRefused(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .forbidden, "\(response.status) \(response.location ?? "")", sourceLocation: sourceLocation)
        #expect(response.text.contains(Self.refusal), sourceLocation: sourceLocation)
    }

    @Test("a token made for a CSRF cookie an attacker planted is refused for the victim's session")
    func plantedCookie() async throws {
        try await withProvider { provider, victim in
            let user = try await provider.makeUser(name: "Ada Lovelace")
            _ = try await victim.signInDirectly(user.email, user.password)
            // The attacker's own browser: a CSRF cookie and the token the login page made for it.
            let attacker = TestBrowser(victim.client)
            let attackerToken = try #require(try await attacker.get("/login").hiddenField("csrf_token"))
            let attackerCookie = try #require(attacker.cookies["gh_csrf"])
            // Planted into the victim's browser (cookie tossing from a sibling host, or plain http).
            victim.setCookie("gh_csrf", attackerCookie)
            let forged = try await victim.post("/account/profile", form: [("csrf_token", attackerToken), ("name", "Mallory")])
            expectRefused(forged)
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.name == "Ada Lovelace")
        }
    }

    @Test("a token from one session is refused once the browser signed in as someone else")
    func anotherSession() async throws {
        try await withProvider { provider, browser in
            let first = try await provider.makeUser(name: "First Person")
            let second = try await provider.makeUser(name: "Second Person")
            _ = try await browser.signInDirectly(first.email, first.password)
            let firstToken = try #require(try await browser.get("/account").hiddenField("csrf_token"))
            _ = try await browser.signInDirectly(second.email, second.password)

            expectRefused(try await browser.post("/account/profile", form: [("csrf_token", firstToken), ("name", "Changed")]))
            #expect(try await provider.dependencies.users.find(id: second.user.id)?.name == "Second Person")
            let current = try await browser.accountAction("/account/profile", [("name", "Changed")])
            #expect(current.location == "/account?done=profile", "the token of the current page works")
        }
    }

    @Test("consent and login tokens are bound to the authorization request their page was shown for")
    func anotherAuthorizationRequest() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            func pendingRequest() async throws -> String {
                let location = try #require(try await browser.get(rp.authorizeURL(.init())).location)
                return try #require(queryItems("https://x" + location)["request"])
            }
            // Signed out: the login page of one request, posted for another.
            let (loginFirst, loginSecond) = (try await pendingRequest(), try await pendingRequest())
            let loginToken = try #require(try await browser.get("/login?request=\(loginFirst)").hiddenField("csrf_token"))
            expectRefused(try await browser.post("/login", form: [("csrf_token", loginToken), ("request", loginSecond),
                                                                 ("email", user.email), ("password", user.password)]))
            let signedIn = try await browser.post("/login", form: [("csrf_token", loginToken), ("request", loginFirst),
                                                                  ("email", user.email), ("password", user.password)])
            #expect(signedIn.location == "/consent?request=\(loginFirst)")

            // Signed in: the consent page of one request, approving another.
            let other = try await pendingRequest()
            let consentToken = try #require(try await browser.get("/consent?request=\(loginFirst)").hiddenField("csrf_token"))
            expectRefused(try await browser.post("/consent", form: [("csrf_token", consentToken), ("request", other),
                                                                   ("decision", "approve")]))
            let approved = try await browser.post("/consent", form: [("csrf_token", consentToken), ("request", loginFirst),
                                                                    ("decision", "approve")])
            #expect(approved.location?.hasPrefix(client.redirectURI + "?code=") == true, "\(approved.location ?? "no Location")")
        }
    }

    @Test("a second-factor token is bound to the pending sign-in its page was shown for")
    func anotherPendingSignIn() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            browser.forgetCookies()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/mfa")
            let firstToken = try #require(try await browser.get("/mfa").hiddenField("csrf_token"))
            // The password again (another tab): a new pending sign-in replaces the first.
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/mfa")

            expectRefused(try await browser.post("/mfa", form: [("csrf_token", firstToken), ("method", "totp"),
                                                               ("code", provider.totpCode(secret))]))
            #expect(browser.cookies["gh_session"] == nil)
            let signedIn = try await browser.submitSecondFactor(provider.totpCode(secret))
            #expect(signedIn.location == "/account", "the current page's token works")
        }
    }
}
