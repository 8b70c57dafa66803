import Foundation
import GatehouseCore
import GatehouseTesting
import HummingbirdTesting
import Testing

@Suite("Browser sessions: single sign-on, prompt, max_age, fixation")
struct SessionTests {
    @Test("a second authorize in the same browser skips login and the remembered consent")
    func singleSignOn() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            let second = try await browser.get(rp.authorizeURL(.init()))
            let location = try #require(second.location)
            #expect(location.hasPrefix(client.redirectURI), "expected the code directly, got \(location)")
            #expect(queryItems(location)["code"] != nil)
            let granted = try await provider.dependencies.consents.grantedScopes(userID: user.user.id, clientID: client.id)
            #expect(granted == ["openid", "profile", "email", "offline_access"], "the decision is stored in PostgreSQL")
        }
    }

    @Test("prompt=login and prompt=consent force the page again (OIDC Core §3.1.2.1)")
    func promptForces() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            var login = TestRelyingParty.Request()
            login.extra = [("prompt", "login")]
            #expect(try await browser.get(rp.authorizeURL(login)).location?.hasPrefix("/login") == true)
            var consent = TestRelyingParty.Request()
            consent.extra = [("prompt", "consent")]
            #expect(try await browser.get(rp.authorizeURL(consent)).location?.hasPrefix("/consent") == true)
            // prompt=login is satisfied by the fresh login inside the same request.
            let items = try await rp.signIn(user, login)
            #expect(items["code"] != nil)
        }
    }

    @Test("max_age forces a fresh login once exceeded, and auth_time shows it (OIDC Core §3.1.2.1)")
    func maxAge() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            let firstLogin = provider.clock.now
            provider.clock.advance(by: 120)
            var request = TestRelyingParty.Request()
            request.extra = [("max_age", "60")]
            #expect(try await browser.get(rp.authorizeURL(request)).location?.hasPrefix("/login") == true)
            let code = try #require(try await rp.signIn(user, request)["code"])
            let tokens = try await rp.redeem(code: code, verifier: request.verifier).json()
            let (_, claims) = try await verifyWithJWKS(try #require(tokens["id_token"] as? String), browser: browser)
            let authTime = try #require(claims["auth_time"] as? Int)
            #expect(authTime >= firstLogin.numericDate + 120)

            var generous = TestRelyingParty.Request()
            generous.extra = [("max_age", "3600")]
            #expect(try await browser.get(rp.authorizeURL(generous)).location?.hasPrefix(client.redirectURI) == true)
        }
    }

    @Test("prompt=none with a live session and consent returns a code silently")
    func promptNoneWithSession() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            var request = TestRelyingParty.Request()
            request.extra = [("prompt", "none")]
            let items = queryItems(try #require(try await browser.get(rp.authorizeURL(request)).location))
            #expect(items["code"] != nil)
            var more = TestRelyingParty.Request()
            more.extra = [("prompt", "none")]
            more.scope = "openid"
            let other = try await provider.makeClient()
            let otherRP = TestRelyingParty(provider: provider, client: other, browser: browser)
            let refused = queryItems(try #require(try await browser.get(otherRP.authorizeURL(more)).location))
            #expect(refused["error"] == "consent_required")
            #expect(refused["error_description"] == "the user has not approved this application")
        }
    }

    @Test("every login gets a new session id, and the old session ends (no session fixation)")
    func newSessionAtLogin() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            browser.setCookie("gh_session", "planted-by-attacker")
            _ = try await rp.signIn(user)
            let first = try #require(browser.cookies["gh_session"])
            #expect(first != "planted-by-attacker")
            var again = TestRelyingParty.Request()
            again.extra = [("prompt", "login")]
            _ = try await rp.signIn(user, again)
            let second = try #require(browser.cookies["gh_session"])
            #expect(second != first)
            #expect(try await BrowserSessions(store: provider.dependencies.sessions, crypto: provider.crypto,
                                                 settings: provider.dependencies.settings, clock: provider.clock).find(cookie: first) == nil, "the old session was revoked")
        }
    }

    @Test("an id_token_hint for another user makes the signed-in user log in again")
    func idTokenHint() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let alice = try await provider.makeUser()
            let bob = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(alice, request)["code"])
            let idToken = try #require(try await rp.redeem(code: code, verifier: request.verifier).json()["id_token"] as? String)
            _ = bob
            var hinted = TestRelyingParty.Request()
            hinted.extra = [("id_token_hint", idToken), ("prompt", "none")]
            #expect(queryItems(try #require(try await browser.get(rp.authorizeURL(hinted)).location))["code"] != nil)
            let browser2 = TestBrowser(browser.client)
            let rp2 = TestRelyingParty(provider: provider, client: client, browser: browser2)
            _ = try await rp2.signIn(bob)
            let refused = queryItems(try #require(try await browser2.get(rp2.authorizeURL(hinted)).location))
            #expect(refused["error"] == "login_required")
            #expect(refused["error_description"] == "the user is not signed in")
        }
    }
}
