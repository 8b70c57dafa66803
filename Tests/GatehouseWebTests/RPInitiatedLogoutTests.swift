import Foundation
import GatehouseCore
import GatehouseWeb
import GatehouseTesting
import HummingbirdTesting
import Testing

@Suite("/logout: RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)")
struct RPInitiatedLogoutTests {
    /// A client with a registered post-logout URI, a user signed in through it, and the ID token.
    func signedIn(_ provider: TestProvider, _ browser: TestBrowser) async throws
        -> (rp: TestRelyingParty, user: TestProvider.RegisteredUser, idToken: String, logoutURI: String) {
        let logoutURI = "https://app.example/\(provider.crypto.randomToken(byteCount: 6))/signed-out"
        let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(postLogoutRedirectURIs: [logoutURI]),
                                  browser: browser)
        let user = try await provider.makeUser()
        let idToken = try await rp.tokens(for: user).string("id_token")
        return (rp, user, idToken, logoutURI)
    }

    func logoutURL(_ pairs: [(String, String)]) -> String { "/logout?" + FormEncoding.encode(pairs) }

    func liveSessions(_ provider: TestProvider, _ user: TestProvider.RegisteredUser) async throws -> Int {
        try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now).count
    }

    @Test("a valid id_token_hint and a registered post_logout_redirect_uri: the session ends and 303 goes there with state (§2, §3)")
    func redirectsWithState() async throws {
        try await withProvider { provider, browser in
            let (_, user, idToken, logoutURI) = try await signedIn(provider, browser)
            let response = try await browser.get(logoutURL([("id_token_hint", idToken), ("post_logout_redirect_uri", logoutURI),
                                                            ("state", "s t&a/te")]))
            #expect(response.status == .seeOther)
            #expect(response.location == logoutURI + "?state=s%20t%26a%2Fte")
            #expect(queryItems(try #require(response.location))["state"] == "s t&a/te", "state comes back byte for byte")
            #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("__Host-gh_session=") && $0.lowercased().contains("max-age=0") })
            #expect(try await liveSessions(provider, user) == 0)
            #expect(try await browser.get("/account").location == "/login")
        }
    }

    @Test("an expired id_token_hint still identifies the client (§2: expiry does not matter)")
    func expiredHint() async throws {
        try await withProvider { provider, browser in
            let (_, user, idToken, logoutURI) = try await signedIn(provider, browser)
            provider.clock.advance(by: 3600)
            let response = try await browser.get(logoutURL([("id_token_hint", idToken), ("post_logout_redirect_uri", logoutURI)]))
            #expect(response.status == .seeOther)
            #expect(response.location == logoutURI)
            #expect(try await liveSessions(provider, user) == 0)
        }
    }

    @Test("an unregistered post_logout_redirect_uri is never redirected to: the signed-out page instead (§3)")
    func unregisteredURI() async throws {
        try await withProvider { provider, browser in
            let (_, user, idToken, logoutURI) = try await signedIn(provider, browser)
            for uri in ["https://evil.example/", logoutURI + "/more", logoutURI.uppercased()] {
                _ = try await browser.signInDirectly(user.email, user.password)
                let response = try await browser.get(logoutURL([("id_token_hint", idToken), ("post_logout_redirect_uri", uri),
                                                                ("state", "x")]))
                #expect(response.status == .ok, "\(uri)")
                #expect(response.location == nil)
                #expect(response.text.contains("You are signed out"))
                #expect(response.text.contains("has not registered"))
                #expect(!response.text.contains("evil.example"))
                #expect(try await liveSessions(provider, user) == 0, "the hint was valid: the session still ends")
            }
        }
    }

    @Test("without an id_token_hint: a confirmation page, never a redirect; confirming signs out (§2, §3)")
    func confirmation() async throws {
        try await withProvider { provider, browser in
            let (_, user, _, logoutURI) = try await signedIn(provider, browser)
            let page = try await browser.get(logoutURL([("post_logout_redirect_uri", logoutURI), ("state", "abc")]))
            #expect(page.status == .ok)
            #expect(page.location == nil)
            #expect(page.text.contains("Sign out of Gatehouse?"))
            #expect(page.text.contains(user.email))
            #expect(try await liveSessions(provider, user) == 1, "nothing ends before the person confirms")

            let confirmed = try await browser.post("/logout", form: [
                ("csrf_token", try #require(page.hiddenField("csrf_token"))), ("confirm", "yes"),
                ("post_logout_redirect_uri", page.hiddenField("post_logout_redirect_uri") ?? ""), ("state", page.hiddenField("state") ?? ""),
            ])
            #expect(confirmed.status == .ok)
            #expect(confirmed.location == nil, "no valid hint: never redirected, even after confirming")
            #expect(confirmed.text.contains("You are signed out"))
            #expect(try await liveSessions(provider, user) == 0)
        }
    }

    @Test("the confirmation needs its CSRF token")
    func confirmationNeedsCSRF() async throws {
        try await withProvider { provider, browser in
            let (_, user, _, _) = try await signedIn(provider, browser)
            _ = try await browser.get("/logout")
            let forged = try await browser.post("/logout", form: [("confirm", "yes")])
            #expect(forged.status == .forbidden)
            let wrong = try await browser.post("/logout", form: [("confirm", "yes"), ("csrf_token", "AAAA")])
            #expect(wrong.status == .forbidden)
            #expect(try await liveSessions(provider, user) == 1)
        }
    }

    @Test("a cross-site POST arrives without the Lax cookie: confirmation page, not an error; confirming returns to the client (DESIGN.md)")
    func crossSitePost() async throws {
        try await withProvider { provider, browser in
            let (_, user, idToken, logoutURI) = try await signedIn(provider, browser)
            let parameters = [("id_token_hint", idToken), ("post_logout_redirect_uri", logoutURI), ("state", "xs")]
            // The client's page posts the form: the browser sends no SameSite=Lax cookies along.
            let sessionCookie = try #require(browser.cookies["gh_session"])
            let csrfCookie = browser.cookies["gh_csrf"]
            browser.setCookie("gh_session", nil)
            browser.setCookie("gh_csrf", nil)
            let page = try await browser.post("/logout", form: parameters)
            #expect(page.status == .ok)
            #expect(page.text.contains("Sign out of Gatehouse?"))
            #expect(try await liveSessions(provider, user) == 1)

            // The person confirms on our page: a same-site POST, cookies included.
            browser.setCookie("gh_session", sessionCookie)
            if browser.cookies["gh_csrf"] == nil { browser.setCookie("gh_csrf", csrfCookie) }
            let confirmed = try await browser.post("/logout", form: [
                ("csrf_token", try #require(page.hiddenField("csrf_token"))), ("confirm", "yes"),
                ("id_token_hint", page.hiddenField("id_token_hint") ?? ""),
                ("post_logout_redirect_uri", page.hiddenField("post_logout_redirect_uri") ?? ""), ("state", page.hiddenField("state") ?? ""),
            ])
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.location == logoutURI + "?state=xs")
            #expect(try await liveSessions(provider, user) == 0)
        }
    }

    @Test("a hint about another account, or a client_id that contradicts the hint, asks first")
    func mismatchedHints() async throws {
        try await withProvider { provider, browser in
            let (rp, user, idToken, logoutURI) = try await signedIn(provider, browser)
            let otherBrowser = TestBrowser(browser.client)
            let otherRP = TestRelyingParty(provider: provider, client: rp.client, browser: otherBrowser)
            let otherIDToken = try await otherRP.tokens(for: try await provider.makeUser()).string("id_token")
            let foreign = try await browser.get(logoutURL([("id_token_hint", otherIDToken), ("post_logout_redirect_uri", logoutURI)]))
            #expect(foreign.status == .ok)
            #expect(foreign.text.contains("Sign out of Gatehouse?"))
            let contradicted = try await browser.get(logoutURL([("id_token_hint", idToken), ("client_id", "someone-else"),
                                                                ("post_logout_redirect_uri", logoutURI)]))
            #expect(contradicted.status == .ok)
            #expect(contradicted.location == nil)
            #expect(try await liveSessions(provider, user) == 1)
        }
    }

    @Test("ending the browser session keeps the apps' refresh tokens; sign out everywhere revokes every session and refresh token")
    func refreshTokensAndEverywhere() async throws {
        try await withProvider { provider, browser in
            let (rp, user, _, _) = try await signedIn(provider, browser)
            let refreshToken = try await rp.tokens(for: user).string("refresh_token")
            let otherApp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let otherRefresh = try await otherApp.tokens(for: user).string("refresh_token")
            let phone = TestBrowser(browser.client)
            _ = try await phone.signInDirectly(user.email, user.password)

            let page = try await browser.get("/logout")
            _ = try await browser.post("/logout", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("confirm", "yes")])
            #expect(try await liveSessions(provider, user) == 1, "only this browser's session ended")
            #expect(try await rp.introspect(refreshToken)["active"] as? Bool == true, "offline access survives a browser logout")

            _ = try await phone.accountAction("/account/sessions/revoke-all", [])
            #expect(try await liveSessions(provider, user) == 0)
            #expect(try await rp.introspect(refreshToken)["active"] as? Bool == false)
            #expect(try await otherApp.introspect(otherRefresh)["active"] as? Bool == false)
        }
    }
}
