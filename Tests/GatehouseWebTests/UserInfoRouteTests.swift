import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("/userinfo accepts only our live access tokens (RFC 6750, RFC 9068 §4)")
struct UserInfoRouteTests {
    /// Tokens for a freshly signed-in user.
    func tokens(_ provider: TestProvider, _ browser: TestBrowser) async throws -> (TestRelyingParty, [String: Any]) {
        let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
        let request = TestRelyingParty.Request()
        let code = try #require(try await rp.signIn(try await provider.makeUser(), request)["code"])
        return (rp, try await rp.redeem(code: code, verifier: request.verifier).json())
    }

    func claims(_ provider: TestProvider) -> AccessTokenClaims {
        let now = provider.clock.now.numericDate
        return AccessTokenClaims(iss: TestProvider.issuer, sub: UUID().uuidString.lowercased(), aud: "x", exp: now + 600, iat: now,
                                 jti: "forged", clientID: "x", scope: "openid", authTime: nil, sid: nil)
    }

    func forge(header: String, claims: AccessTokenClaims, sign: ([UInt8]) throws -> [UInt8]) throws -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(try JSONEncoder().encode(claims))
        return input + "." + Base64URL.encode(try sign(Array(input.utf8)))
    }

    /// 401 `invalid_token` with `description`, in the body and the challenge (RFC 6750 §3.1).
    func expectRefused(_ response: TestResponse, _ description: String, _ comment: Comment? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        expectBearerError(response, .unauthorized, "invalid_token", description, comment, sourceLocation: sourceLocation)
    }

    static let unverifiable = "the access token is malformed or its signature is invalid"

    @Test("GET with the header and POST with the form body both work (RFC 6750 §2.1, §2.2)")
    func bothForms() async throws {
        try await withProvider { provider, browser in
            let (rp, tokens) = try await tokens(provider, browser)
            let accessToken = try #require(tokens["access_token"] as? String)
            #expect(try await rp.userinfo(accessToken).status == .ok)
            let post = try await browser.post("/userinfo", form: [("access_token", accessToken)])
            #expect(post.status == .ok)
            #expect(try post.json()["sub"] != nil)
            let postHeader = try await browser.send("/userinfo", method: .post, headers: [.authorization: "Bearer \(accessToken)"], body: nil)
            #expect(postHeader.status == .ok)
        }
    }

    @Test("no token: 401 with a Bearer challenge (RFC 6750 §3.1)")
    func missingToken() async throws {
        try await withProvider { _, browser in
            let response = try await browser.get("/userinfo")
            #expect(response.status == .unauthorized)
            #expect(response.text == oauthErrorBody("invalid_token", "an access token is required"))
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse""#)
        }
    }

    @Test("a tampered token is 401 invalid_token")
    func tampered() async throws {
        try await withProvider { provider, browser in
            let (rp, tokens) = try await tokens(provider, browser)
            let token = try #require(tokens["access_token"] as? String)
            var parts = token.split(separator: ".").map(String.init)
            var claims = try jsonObject(parts[1])
            claims["scope"] = "openid profile email admin"
            parts[1] = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
            expectRefused(try await rp.userinfo(parts.joined(separator: ".")), Self.unverifiable)
            expectRefused(try await rp.userinfo("garbage"), Self.unverifiable)
        }
    }

    @Test("an ID token presented as a bearer token is refused (typ is not at+jwt)")
    func idTokenRefused() async throws {
        try await withProvider { provider, browser in
            let (rp, tokens) = try await tokens(provider, browser)
            expectRefused(try await rp.userinfo(try #require(tokens["id_token"] as? String)), "the token is not an access token")
        }
    }

    @Test("alg none, HS256 and jku/jwk headers are refused (RFC 8725 §3.1)")
    func forgedAlgorithms() async throws {
        try await withProvider { provider, browser in
            let claims = claims(provider)
            let none = try forge(header: #"{"alg":"none","typ":"at+jwt"}"#, claims: claims) { _ in [] }
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(none)"]), Self.unverifiable, "alg none")
            let hs256 = try forge(header: #"{"alg":"HS256","typ":"at+jwt","kid":"\#(provider.signer.signingKey.kid)"}"#, claims: claims) {
                provider.crypto.hmacSHA256(key: Array(provider.signer.signingKey.n.utf8), message: $0)
            }
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(hs256)"]), Self.unverifiable, "HS256")
            let attacker = try RSAKey.generate()
            for header in [#"{"alg":"RS256","typ":"at+jwt","kid":"\#(attacker.kid)","jku":"https://evil.example/jwks"}"#,
                           #"{"alg":"RS256","typ":"at+jwt","kid":"\#(attacker.kid)","jwk":{"kty":"RSA","n":"\#(attacker.n)","e":"\#(attacker.e)"}}"#,
                           #"{"alg":"RS256","typ":"at+jwt","kid":"\#(provider.signer.signingKey.kid)"}"#] {
                let token = try forge(header: header, claims: claims) { try attacker.signRS256($0) }
                expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(token)"]), Self.unverifiable, "\(header)")
            }
        }
    }

    @Test("an expired access token is refused")
    func expired() async throws {
        try await withProvider { provider, browser in
            let (rp, tokens) = try await tokens(provider, browser)
            provider.clock.advance(by: 901)
            expectRefused(try await rp.userinfo(try #require(tokens["access_token"] as? String)), "the access token has expired")
        }
    }

    @Test("a client_credentials token has no user: 403 insufficient_scope, it lacks openid (RFC 6750 §3.1)")
    func clientToken() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let token = try #require(try await rp.token([("grant_type", "client_credentials")]).json()["access_token"] as? String)
            expectBearerError(try await rp.userinfo(token), .forbidden, "insufficient_scope", "the access token lacks the openid scope")
        }
    }

    @Test("the token comes once, with the Bearer scheme (RFC 6750 §2.1, §2.2): 400 invalid_request otherwise")
    func tokenPresentation() async throws {
        try await withProvider { provider, browser in
            let (_, tokens) = try await tokens(provider, browser)
            let accessToken = try #require(tokens["access_token"] as? String)
            let twice = try await browser.post("/userinfo", form: [("access_token", accessToken)],
                                               headers: [.authorization: "Bearer \(accessToken)"])
            expectBearerError(twice, .badRequest, "invalid_request", "send the access token once, not in two places")
            let basic = try await browser.get("/userinfo", headers: [.authorization: "Basic \(accessToken)"])
            expectBearerError(basic, .badRequest, "invalid_request", "the Authorization header must use the Bearer scheme")
        }
    }

    @Test("a token signed with our key but naming another issuer, or holding no claims we can read, is refused (RFC 9068 §4)")
    func ourSignatureOtherContent() async throws {
        try await withProvider { provider, browser in
            var claims = claims(provider)
            claims.iss = "https://other.example"
            let key = provider.signer.signingKey
            let header = #"{"alg":"RS256","typ":"at+jwt","kid":"\#(key.kid)"}"#
            let foreign = try forge(header: header, claims: claims) { try key.signRS256($0) }
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(foreign)"]),
                          "the access token was issued by another server")
            let input = Base64URL.encode(header) + "." + Base64URL.encode(#"{"sub":42}"#)
            let unreadable = input + "." + Base64URL.encode(try key.signRS256(Array(input.utf8)))
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(unreadable)"]),
                          "the access token is malformed")
        }
    }

    @Test("a valid token whose user does not exist (any more) is refused")
    func unknownUser() async throws {
        try await withProvider { provider, browser in
            let key = provider.signer.signingKey
            let token = try forge(header: #"{"alg":"RS256","typ":"at+jwt","kid":"\#(key.kid)"}"#, claims: claims(provider)) {
                try key.signRS256($0)
            }
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(token)"]),
                          "the access token's user no longer exists")
        }
    }
}
