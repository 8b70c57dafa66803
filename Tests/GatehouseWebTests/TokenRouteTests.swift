import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("/token answers bad requests with the errors RFC 6749 §5.2 names")
struct TokenRouteTests {
    /// A signed-in user and a fresh code for `client`.
    func code(_ provider: TestProvider, _ browser: TestBrowser, client: TestProvider.RegisteredClient)
        async throws -> (TestRelyingParty, code: String, verifier: String) {
        let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
        let user = try await provider.makeUser()
        let request = TestRelyingParty.Request()
        return (rp, try #require(try await rp.signIn(user, request)["code"]), request.verifier)
    }

    @Test("a second use of a code fails and revokes what the first use issued (RFC 6749 §4.1.2)")
    func codeReuse() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let first = try await rp.redeem(code: code, verifier: verifier).json()
            let accessToken = try #require(first["access_token"] as? String)
            let refreshToken = try #require(first["refresh_token"] as? String)
            #expect(try await rp.userinfo(accessToken).status == .ok)

            let second = try await rp.redeem(code: code, verifier: verifier)
            expectOAuthError(second, .badRequest, "invalid_grant", "the code was already used; the tokens it issued are revoked")
            expectBearerError(try await rp.userinfo(accessToken), .unauthorized, "invalid_token", "the access token was revoked")
            let refresh = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
            expectOAuthError(refresh, .badRequest, "invalid_grant", "the refresh token is invalid, expired or revoked")
        }
    }

    @Test("a wrong or missing code_verifier is invalid_grant (RFC 7636 §4.6)")
    func wrongVerifier() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (rp, code, _) = try await code(provider, browser, client: client)
            expectOAuthError(try await rp.redeem(code: code, verifier: String(repeating: "x", count: 43)),
                             .badRequest, "invalid_grant", "code_verifier does not match the code_challenge")
            let (rp2, code2, _) = try await self.code(provider, TestBrowser(browser.client), client: client)
            let missing = try await rp2.token([("grant_type", "authorization_code"), ("code", code2), ("redirect_uri", client.redirectURI)])
            expectOAuthError(missing, .badRequest, "invalid_grant", "code_verifier is required")
        }
    }

    @Test("a redirect_uri that differs from the authorization request is invalid_grant (RFC 6749 §4.1.3)")
    func differentRedirect() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(redirectURIs: ["https://app.example/a", "https://app.example/b"])
            let (rp, code, verifier) = try await code(provider, browser, client: client)
            let response = try await rp.token([("grant_type", "authorization_code"), ("code", code),
                                               ("redirect_uri", "https://app.example/b"), ("code_verifier", verifier)])
            expectOAuthError(response, .badRequest, "invalid_grant", "redirect_uri differs from the one in the authorization request")
        }
    }

    @Test("an expired code is invalid_grant")
    func expiredCode() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            provider.clock.advance(by: 61)
            expectOAuthError(try await rp.redeem(code: code, verifier: verifier), .badRequest, "invalid_grant", "the code is invalid or expired")
        }
    }

    @Test("a code issued to another client is invalid_grant")
    func otherClientsCode() async throws {
        try await withProvider { provider, browser in
            let (_, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let thief = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            expectOAuthError(try await thief.redeem(code: code, verifier: verifier), .badRequest, "invalid_grant",
                             "the code was issued to another client")
        }
    }

    @Test("a bad client secret is 401 invalid_client with WWW-Authenticate (RFC 6749 §5.2)")
    func badSecret() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let response = try await browser.post("/token", form: [
                ("grant_type", "client_credentials"), ("client_id", client.id), ("client_secret", "wrong")])
            expectOAuthError(response, .unauthorized, "invalid_client", "client authentication failed")
            #expect(response.headers[.wwwAuthenticate] == #"Basic realm="gatehouse""#)
            let unknown = try await browser.post("/token", form: [
                ("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", "x")])
            expectOAuthError(unknown, .unauthorized, "invalid_client", "client authentication failed", "unknown and known ids answer alike")
        }
    }

    @Test("client_credentials with client_secret_post and client_secret_basic (RFC 6749 §4.4)")
    func clientCredentials() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials], scopes: ["reports:read"])
            let post = try await browser.post("/token", form: [
                ("grant_type", "client_credentials"), ("client_id", client.id), ("client_secret", try #require(client.secret)),
                ("scope", "reports:read")])
            #expect(post.status == .ok)
            let tokens = try post.json()
            #expect(tokens["refresh_token"] == nil)
            #expect(tokens["id_token"] == nil)
            #expect(tokens["scope"] as? String == "reports:read")
            let (_, claims) = try await verifyWithJWKS(try #require(tokens["access_token"] as? String), browser: browser)
            #expect(claims["sub"] as? String == client.id)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            #expect(try await rp.token([("grant_type", "client_credentials")]).status == .ok)
            expectOAuthError(try await rp.token([("grant_type", "client_credentials"), ("scope", "admin")]), .badRequest, "invalid_scope",
                             "scope names a scope that is not available to this client")
        }
    }

    @Test("unsupported grants: password and unknown ones (RFC 9700 §2.4)", arguments: ["password", "implicit", "urn:x"])
    func unsupportedGrant(grant: String) async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let response = try await rp.token([("grant_type", grant), ("username", "a"), ("password", "b")])
            expectOAuthError(response, .badRequest, "unsupported_grant_type", "grant_type names a grant this server does not support")
        }
    }

    @Test("a grant the client is not registered for is unauthorized_client")
    func unregisteredGrant() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            expectOAuthError(try await rp.token([("grant_type", "client_credentials")]), .badRequest, "unauthorized_client",
                             "this client may not use the client_credentials grant")
        }
    }

    @Test("malformed and oversized bodies get 400 and 413 with a reason")
    func malformedBodies() async throws {
        try await withProvider { provider, browser in
            let json = try await browser.send("/token", method: .post, headers: [.contentType: "application/json"], body: "{}")
            expectOAuthError(json, .badRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
            let huge = try await browser.post("/token", form: [("grant_type", "client_credentials"),
                                                              ("pad", String(repeating: "a", count: 40_000))])
            expectOAuthError(huge, .contentTooLarge, "invalid_request", "the body is larger than 16384 bytes")
            let badEncoding = try await browser.send("/token", method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded"], body: "grant_type=%ZZ")
            expectOAuthError(badEncoding, .badRequest, "invalid_request",
                             "the value of grant_type has a '%' that is not followed by two hex digits")
            let missing = try await browser.post("/token", form: [("client_id", "x")])
            expectOAuthError(missing, .badRequest, "invalid_request", "grant_type is required")
        }
    }

    @Test("refresh token reuse revokes the whole family (RFC 9700 §4.14.2)")
    func refreshReuse() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let first = try #require(try await rp.redeem(code: code, verifier: verifier).json()["refresh_token"] as? String)
            let second = try #require(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", first)]).json()["refresh_token"] as? String)
            expectOAuthError(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", first)]), .badRequest, "invalid_grant",
                             "the refresh token was already used; its family is revoked")
            let afterTheft = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", second)])
            expectOAuthError(afterTheft, .badRequest, "invalid_grant", "the refresh token is invalid, expired or revoked",
                             "the legitimate latest token dies with its family")
        }
    }

    @Test("two simultaneous uses of one refresh token: one succeeds, the other is reuse and kills the family")
    func refreshRace() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let token = try #require(try await rp.redeem(code: code, verifier: verifier).json()["refresh_token"] as? String)
            async let first = rp.token([("grant_type", "refresh_token"), ("refresh_token", token)])
            async let second = rp.token([("grant_type", "refresh_token"), ("refresh_token", token)])
            let answers = try await [first, second]
            #expect(answers.filter { $0.status == .ok }.count == 1, "a token rotates once")
            let winner = try #require(answers.first { $0.status == .ok })
            let replacement = try #require(try winner.json()["refresh_token"] as? String)
            expectOAuthError(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", replacement)]), .badRequest,
                             "invalid_grant", "the refresh token is invalid, expired or revoked",
                             "the losing use was a reuse: the whole family is revoked")
        }
    }

    @Test("another client's refresh token is invalid_grant and stays usable by its own client")
    func refreshOtherClient() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let token = try #require(try await rp.redeem(code: code, verifier: verifier).json()["refresh_token"] as? String)
            let other = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            expectOAuthError(try await other.token([("grant_type", "refresh_token"), ("refresh_token", token)]), .badRequest,
                             "invalid_grant", "the refresh token is invalid, expired or revoked")
            #expect(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", token)]).status == .ok)
        }
    }

    @Test("a refresh may narrow the scope but never widen it (RFC 6749 §6)")
    func refreshScope() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient())
            let refresh = try #require(try await rp.redeem(code: code, verifier: verifier).json()["refresh_token"] as? String)
            let narrowed = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "openid")]).json()
            #expect(narrowed["scope"] as? String == "openid")
            let next = try #require(narrowed["refresh_token"] as? String)
            let widened = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", next), ("scope", "openid admin")])
            expectOAuthError(widened, .badRequest, "invalid_scope", "scope exceeds what was originally granted")
            let afterRefusal = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", next)])
            #expect(afterRefusal.status == .ok, "a refused request leaves the presented token usable")
            #expect(try afterRefusal.json()["scope"] as? String == "openid profile email offline_access", "the family keeps its scope")
        }
    }

    @Test("a public client redeems with PKCE and its client_id alone")
    func publicClient() async throws {
        try await withProvider { provider, browser in
            let (rp, code, verifier) = try await code(provider, browser, client: try await provider.makeClient(public: true))
            let response = try await rp.redeem(code: code, verifier: verifier)
            #expect(response.status == .ok)
        }
    }

    @Test("the token endpoint answers CORS preflight and requests")
    func cors() async throws {
        try await withProvider { _, browser in
            let preflight = try await browser.send("/token", method: .options,
                                                   headers: [.origin: "https://spa.example", .accessControlRequestMethod: "POST"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            let post = try await browser.post("/token", form: [("grant_type", "x")], headers: [.origin: "https://spa.example"])
            #expect(post.headers[.accessControlAllowOrigin] == "*")
        }
    }
}
