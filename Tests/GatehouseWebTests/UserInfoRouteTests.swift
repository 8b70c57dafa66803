import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTesting
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

    func expectRefused(_ response: TestResponse, _ comment: Comment? = nil) {
        #expect(response.status == .unauthorized, comment)
        #expect(response.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true, comment)
    }

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
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
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
            expectRefused(try await rp.userinfo(parts.joined(separator: ".")))
            expectRefused(try await rp.userinfo("garbage"))
        }
    }

    @Test("an ID token presented as a bearer token is refused (typ is not at+jwt)")
    func idTokenRefused() async throws {
        try await withProvider { provider, browser in
            let (rp, tokens) = try await tokens(provider, browser)
            expectRefused(try await rp.userinfo(try #require(tokens["id_token"] as? String)))
        }
    }

    @Test("alg none, HS256 and jku/jwk headers are refused (RFC 8725 §3.1)")
    func forgedAlgorithms() async throws {
        try await withProvider { provider, browser in
            let claims = claims(provider)
            let none = try forge(header: #"{"alg":"none","typ":"at+jwt"}"#, claims: claims) { _ in [] }
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(none)"]), "alg none")
            let hs256 = try forge(header: #"{"alg":"HS256","typ":"at+jwt","kid":"\#(provider.signer.signingKey.kid)"}"#, claims: claims) {
                provider.crypto.hmacSHA256(key: Array(provider.signer.signingKey.n.utf8), message: $0)
            }
            expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(hs256)"]), "HS256")
            let attacker = try RSAKey.generate()
            for header in [#"{"alg":"RS256","typ":"at+jwt","kid":"\#(attacker.kid)","jku":"https://evil.example/jwks"}"#,
                           #"{"alg":"RS256","typ":"at+jwt","kid":"\#(attacker.kid)","jwk":{"kty":"RSA","n":"\#(attacker.n)","e":"\#(attacker.e)"}}"#,
                           #"{"alg":"RS256","typ":"at+jwt","kid":"\#(provider.signer.signingKey.kid)"}"#] {
                let token = try forge(header: header, claims: claims) { try attacker.signRS256($0) }
                expectRefused(try await browser.get("/userinfo", headers: [.authorization: "Bearer \(token)"]), "\(header)")
            }
        }
    }

    @Test("an expired access token is refused")
    func expired() async throws {
        try await withProvider { provider, browser in
            let (rp, tokens) = try await tokens(provider, browser)
            provider.clock.advance(by: 901)
            expectRefused(try await rp.userinfo(try #require(tokens["access_token"] as? String)))
        }
    }

    @Test("a client_credentials token has no user: refused")
    func clientToken() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let token = try #require(try await rp.token([("grant_type", "client_credentials")]).json()["access_token"] as? String)
            let response = try await rp.userinfo(token)
            #expect(response.status == .forbidden || response.status == .unauthorized)
        }
    }
}
