import Foundation
import GatehouseCore
import GatehouseTesting
import HummingbirdTesting
import Testing

@Suite("/introspect: token introspection (RFC 7662)")
struct TokenIntrospectionTests {
    /// `{"active": false}` and nothing else (RFC 7662 §2.2).
    func isInactive(_ answer: [String: Any]) -> Bool {
        answer.count == 1 && answer["active"] as? Bool == false
    }

    @Test("a live access token is active with its claims; no-store (RFC 7662 §2.2)")
    func liveAccessToken() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let accessToken = try await rp.tokens(for: user).string("access_token")
            let (_, jwt) = try await verifyWithJWKS(accessToken, browser: browser)
            let answer = try await rp.introspect(accessToken)
            #expect(answer["active"] as? Bool == true)
            #expect(answer["token_type"] as? String == "Bearer")
            #expect(answer["client_id"] as? String == rp.client.id)
            #expect(answer["aud"] as? String == rp.client.id)
            #expect(answer["sub"] as? String == user.subject)
            #expect(answer["iss"] as? String == TestProvider.issuer)
            #expect(answer["scope"] as? String == "openid profile email offline_access")
            #expect(answer["jti"] as? String == jwt["jti"] as? String)
            #expect(answer["exp"] as? Int == jwt["exp"] as? Int)
            #expect(answer["iat"] as? Int == jwt["iat"] as? Int)
        }
    }

    @Test("a live refresh token is active; a rotated one is not (RFC 7662 §2.2)")
    func refreshTokens() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let first = try await rp.tokens(for: user).string("refresh_token")
            let answer = try await rp.introspect(first)
            #expect(answer["active"] as? Bool == true)
            #expect(answer["token_type"] as? String == "refresh_token")
            #expect(answer["client_id"] as? String == rp.client.id)
            #expect(answer["sub"] as? String == user.subject)
            #expect(answer["scope"] as? String == "openid profile email offline_access")
            #expect(answer["jti"] == nil)
            let exp = try #require(answer["exp"] as? Int)
            #expect(exp > provider.clock.now.numericDate + 6 * 24 * 3600, "the 7-day idle lifetime")

            let next = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", first)]).json().string("refresh_token")
            #expect(isInactive(try await rp.introspect(first)), "used (rotated): inactive, nothing more")
            #expect(try await rp.introspect(next)["active"] as? Bool == true)
        }
    }

    @Test("expired tokens are inactive: access tokens after exp, refresh tokens after their idle lifetime")
    func expired() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await rp.tokens(for: try await provider.makeUser())
            let accessToken = try tokens.string("access_token")
            let refreshToken = try tokens.string("refresh_token")
            provider.clock.advance(by: 16 * 60)
            #expect(isInactive(try await rp.introspect(accessToken)))
            #expect(try await rp.introspect(refreshToken)["active"] as? Bool == true)
            provider.clock.advance(by: 7 * 24 * 3600)
            #expect(isInactive(try await rp.introspect(refreshToken)))
        }
    }

    @Test("garbage, ID tokens and another client's tokens are inactive, telling nothing (RFC 7662 §2.2, §4)")
    func inactive() async throws {
        try await withProvider { provider, browser in
            let owner = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let other = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let tokens = try await owner.tokens(for: try await provider.makeUser())
            for token in ["garbage", "a.b.c", provider.crypto.randomToken(), try tokens.string("id_token")] {
                #expect(isInactive(try await owner.introspect(token)), "\(token.prefix(20))")
            }
            #expect(isInactive(try await other.introspect(try tokens.string("access_token"))))
            #expect(isInactive(try await other.introspect(try tokens.string("refresh_token"))))
        }
    }

    @Test("introspection needs an authenticated confidential client: 401 invalid_client otherwise (RFC 7662 §2.1)")
    func authentication() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let accessToken = try await rp.tokens(for: try await provider.makeUser()).string("access_token")
            let wrong = try await rp.authenticatedPost("/introspect", [("token", accessToken)], secret: "wrong")
            expectOAuthError(wrong, .unauthorized, "invalid_client", "client authentication failed")
            #expect(wrong.headers[.wwwAuthenticate] == #"Basic realm="gatehouse""#)
            let spa = TestRelyingParty(provider: provider, client: try await provider.makeClient(public: true), browser: browser)
            let publicClient = try await spa.authenticatedPost("/introspect", [("token", accessToken)])
            expectOAuthError(publicClient, .unauthorized, "invalid_client",
                             "introspection needs a confidential client that authenticates with its secret")
            let anonymous = try await browser.post("/introspect", form: [("token", accessToken)])
            expectOAuthError(anonymous, .unauthorized, "invalid_client", "client authentication is required")
            let missing = try await rp.authenticatedPost("/introspect", [])
            expectOAuthError(missing, .badRequest, "invalid_request", "token is required")
            expectOAuthError(try await rp.authenticatedPost("/introspect", [("token", "a"), ("token_type_hint", "x"), ("token_type_hint", "y")]),
                             .badRequest, "invalid_request", "the parameter token_type_hint was included more than once")
        }
    }
}
