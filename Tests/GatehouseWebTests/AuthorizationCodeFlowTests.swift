import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("The authorization code flow, end to end as a relying party sees it")
struct AuthorizationCodeFlowTests {
    @Test("authorize → login → consent → code → tokens → ID token checked against the JWKS → userinfo → refresh → rotated token refused")
    func fullFlow() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()

            let response = try await rp.signIn(user, request)
            #expect(response["state"] == request.state)
            #expect(response["iss"] == TestProvider.issuer, "RFC 9207: every authorization response carries iss")
            let code = try #require(response["code"])

            let tokenResponse = try await rp.redeem(code: code, verifier: request.verifier)
            #expect(tokenResponse.status == .ok)
            #expect(tokenResponse.headers[.cacheControl] == "no-store")
            let tokens = try tokenResponse.json()
            #expect(tokens["token_type"] as? String == "Bearer")
            #expect(tokens["expires_in"] as? Int == 900)
            #expect(tokens["scope"] as? String == "openid profile email offline_access")
            let accessToken = try #require(tokens["access_token"] as? String)
            let idToken = try #require(tokens["id_token"] as? String)
            let refreshToken = try #require(tokens["refresh_token"] as? String)

            // The ID token, checked with nothing but the JWKS (OIDC Core §3.1.3.7).
            let (idHeader, claims) = try await verifyWithJWKS(idToken, browser: browser)
            #expect(idHeader["typ"] as? String == "JWT")
            #expect(claims["iss"] as? String == TestProvider.issuer)
            #expect(claims["aud"] as? String == client.id)
            #expect(claims["sub"] as? String == user.subject)
            #expect(claims["nonce"] as? String == request.nonce)
            let now = Int(provider.clock.now.timeIntervalSince1970)
            #expect((claims["exp"] as? Int ?? 0) > now)
            #expect(claims["auth_time"] as? Int != nil)
            #expect(claims["sid"] as? String != nil)
            #expect(claims["amr"] as? [String] == ["pwd"])
            let expectedAtHash = Base64URL.encode(OpenSSLCrypto().sha256(accessToken).prefix(16))
            #expect(claims["at_hash"] as? String == expectedAtHash)

            // The access token is an RFC 9068 JWT.
            let (atHeader, atClaims) = try await verifyWithJWKS(accessToken, browser: browser)
            #expect(atHeader["typ"] as? String == "at+jwt")
            #expect(atClaims["client_id"] as? String == client.id)
            #expect(atClaims["aud"] as? String == client.id)
            #expect(atClaims["jti"] as? String != nil)
            #expect(atClaims["scope"] as? String == "openid profile email offline_access")

            // Userinfo answers by scope (OIDC Core §5.4).
            let info = try await rp.userinfo(accessToken)
            #expect(info.status == .ok)
            let infoClaims = try info.json()
            #expect(infoClaims["sub"] as? String == user.subject)
            #expect(infoClaims["email"] as? String == user.email)
            #expect(infoClaims["email_verified"] as? Bool == true)
            #expect(infoClaims["name"] as? String == "Ada Lovelace")
            #expect(infoClaims["given_name"] as? String == "Ada")
            #expect(infoClaims["family_name"] as? String == "Lovelace")
            #expect(infoClaims["picture"] as? String == "https://images.example/ada.png")
            #expect(infoClaims["updated_at"] as? Int != nil)

            // Refresh: a new pair; the used refresh token is refused afterwards.
            let refreshed = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(refreshed.status == .ok)
            let newTokens = try refreshed.json()
            let newRefresh = try #require(newTokens["refresh_token"] as? String)
            #expect(newRefresh != refreshToken)
            let (_, refreshedID) = try await verifyWithJWKS(try #require(newTokens["id_token"] as? String), browser: browser)
            #expect(refreshedID["auth_time"] as? Int == claims["auth_time"] as? Int, "OIDC Core §12.2: auth_time is kept")
            #expect(refreshedID["nonce"] == nil)

            let replay = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            #expect(replay.status == .badRequest)
            #expect(try replay.json()["error"] as? String == "invalid_grant")
        }
    }

    @Test("userinfo answers only the claims the scopes allow (OIDC Core §5.4)")
    func claimsFollowScopes() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            var request = TestRelyingParty.Request()
            request.scope = "openid email"
            let code = try #require(try await rp.signIn(user, request)["code"])
            let tokens = try await rp.redeem(code: code, verifier: request.verifier).json()
            #expect(tokens["refresh_token"] == nil, "no offline_access asked, no refresh token (OIDC Core §11)")
            let info = try await rp.userinfo(try #require(tokens["access_token"] as? String)).json()
            #expect(info["email"] as? String == user.email)
            #expect(info["name"] == nil)
            #expect(info["picture"] == nil)
        }
    }

    @Test("a form_post response carries code, state and iss as hidden fields (OAuth 2.0 Form Post)")
    func formPostResponseMode() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            // Signed in and consented now: the next request goes straight to the response page.
            var request = TestRelyingParty.Request()
            request.extra = [("response_mode", "form_post")]
            let page = try await browser.get(rp.authorizeURL(request))
            #expect(page.status == .ok)
            #expect(page.text.contains("action=\"\(client.redirectURI)\""))
            #expect(page.hiddenField("code") != nil)
            #expect(page.hiddenField("state") == request.state)
            #expect(page.hiddenField("iss") == TestProvider.issuer)
        }
    }
}
