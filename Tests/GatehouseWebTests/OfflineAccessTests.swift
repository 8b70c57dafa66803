import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// A refresh token only with a consented `offline_access`, and a consent page that says so in
/// words (OIDC Core §11).
@Suite("offline_access: refresh tokens only with the user's consent")
struct OfflineAccessTests {
    static func staysConnected(_ app: String) -> String {
        "\(app) stays connected: it can keep using this access when you are not signed in, "
            + "until you disconnect it under Connected apps on your account page."
    }

    /// Starts the flow and signs `user` in: the consent page it leads to.
    func consentPage(_ rp: TestRelyingParty, _ user: TestProvider.RegisteredUser, _ request: TestRelyingParty.Request)
        async throws -> TestResponse {
        let start = try await rp.browser.get(rp.authorizeURL(request))
        let loginPath = try #require(start.location)
        let login = try await rp.browser.get(loginPath)
        let signedIn = try await rp.browser.post("/login", form: [
            ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
            ("email", user.email), ("password", user.password)])
        let consentPath = try #require(signedIn.location)
        try #require(consentPath.hasPrefix("/consent"), "expected the consent page, got \(consentPath)")
        return try await rp.browser.get(consentPath)
    }

    /// Approves on the consent page: the code from the redirect.
    func approve(_ page: TestResponse, _ rp: TestRelyingParty) async throws -> String {
        let approved = try await rp.browser.post("/consent", form: [
            ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("request", page.hiddenField("request") ?? ""),
            ("decision", "approve")])
        let location = try #require(approved.location)
        return try #require(queryItems(location)["code"])
    }

    @Test("without offline_access the token response carries no refresh token (OIDC Core §11)")
    func noOfflineAccessNoRefreshToken() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            var request = TestRelyingParty.Request()
            request.scope = "openid profile email"
            let page = try await consentPage(rp, try await provider.makeUser(), request)
            #expect(!page.text.contains("stays connected"), "the page must not promise what is not asked")
            let tokens = try await rp.redeem(code: try await approve(page, rp), verifier: request.verifier).json()
            #expect(tokens["refresh_token"] == nil)
            #expect(tokens["scope"] as? String == "openid profile email")
            #expect(tokens["access_token"] is String)
        }
    }

    @Test("with offline_access the consent page says the app stays connected, and approval brings a refresh token")
    func offlineAccessConsented() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(name: "Diary & Co")
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let user = try await provider.makeUser()
            let request = TestRelyingParty.Request()
            let page = try await consentPage(rp, user, request)
            #expect(page.text.contains(#"<p id="stays-connected" class="notice">"# + Self.staysConnected("Diary &amp; Co") + "</p>"))
            #expect(page.text.contains("Stay connected while you are away"))

            let tokens = try await rp.redeem(code: try await approve(page, rp), verifier: request.verifier).json()
            #expect(tokens["refresh_token"] is String)
            #expect(tokens["scope"] as? String == "openid profile email offline_access")
        }
    }

    @Test("a remembered consent without offline_access does not cover it: the consent page asks again")
    func rememberedConsentDoesNotCoverIt() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            var online = TestRelyingParty.Request()
            online.scope = "openid profile email"
            _ = try await rp.tokens(for: user, online)
            let again = try await browser.get(rp.authorizeURL(TestRelyingParty.Request()))
            #expect(again.location?.hasPrefix("/consent") == true, "offline_access was never approved: \(again.location ?? "-")")
        }
    }

    @Test("a client without the refresh_token grant is never granted offline_access")
    func clientWithoutRefreshGrant() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.authorizationCode])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let page = try await consentPage(rp, try await provider.makeUser(), request)
            #expect(!page.text.contains("stays connected"))
            #expect(!page.text.contains("offline_access"))
            let tokens = try await rp.redeem(code: try await approve(page, rp), verifier: request.verifier).json()
            #expect(tokens["refresh_token"] == nil)
            #expect(tokens["scope"] as? String == "openid profile email")
        }
    }

    @Test("discovery lists offline_access in scopes_supported")
    func discovery() async throws {
        try await withProvider { _, browser in
            let metadata = try await browser.get("/.well-known/openid-configuration").json()
            #expect((metadata["scopes_supported"] as? [String])?.contains("offline_access") == true)
        }
    }
}
