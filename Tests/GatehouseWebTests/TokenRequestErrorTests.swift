import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// The rest of `/token`'s errors, word for word (RFC 6749 §5.2): the request's syntax, client
/// authentication (§2.3.1, §3.2.1) and the grants' own refusals that `TokenRouteTests` and
/// `CodeBindingTests` do not reach. Together they cover every error the endpoint gives.
@Suite("/token: every error, exact on the wire (RFC 6749 §5.2)")
struct TokenRequestErrorTests {
    func basic(_ id: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()]
    }

    @Test("a repeated parameter is named when Gatehouse reads it, and never repeated back otherwise (RFC 6749 §3.2)")
    func repeated() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(grantTypes: [.clientCredentials]),
                                      browser: browser)
            expectOAuthError(try await rp.token([("grant_type", "client_credentials"), ("scope", "a"), ("scope", "b")]),
                             .badRequest, "invalid_request", "the parameter scope was included more than once")
            expectOAuthError(try await rp.token([("grant_type", "client_credentials"), ("zqx", "a"), ("zqx", "b")]),
                             .badRequest, "invalid_request", "a parameter was included more than once")
        }
    }

    @Test("each grant's required parameter is named when missing (RFC 6749 §4.1.3, §6)")
    func missing() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            expectOAuthError(try await rp.token([("grant_type", "authorization_code"), ("redirect_uri", rp.client.redirectURI)]),
                             .badRequest, "invalid_request", "code is required")
            expectOAuthError(try await rp.token([("grant_type", "authorization_code"), ("code", "abc")]),
                             .badRequest, "invalid_request", "redirect_uri is required")
            expectOAuthError(try await rp.token([("grant_type", "refresh_token")]), .badRequest, "invalid_request", "refresh_token is required")
            expectOAuthError(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", "")]),
                             .badRequest, "invalid_request", "refresh_token is required", "an empty value counts as absent (RFC 6749 §3.1)")
        }
    }

    @Test("client authentication: one method, valid Basic, the same client, and a secret that matches (RFC 6749 §2.3)")
    func clientAuthentication() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let secret = try #require(client.secret)
            let grant = [("grant_type", "client_credentials")]
            func post(_ form: [(String, String)], _ headers: HTTPFields = [:]) async throws -> TestResponse {
                try await browser.post("/token", form: form, headers: headers)
            }
            expectOAuthError(try await post(grant + [("client_secret", secret)], basic(client.id, secret)),
                             .badRequest, "invalid_request", "use one client authentication method, not two")
            expectOAuthError(try await post(grant, [.authorization: "Basic !!!"]),
                             .unauthorized, "invalid_client", "the Authorization header is not valid Basic credentials")
            expectOAuthError(try await post(grant + [("client_id", "someone-else")], basic(client.id, secret)),
                             .badRequest, "invalid_request", "client_id differs from the authenticated client")
            expectOAuthError(try await post(grant), .unauthorized, "invalid_client", "client authentication is required")
            expectOAuthError(try await post(grant + [("client_id", client.id)]), .unauthorized, "invalid_client",
                             "client authentication failed", "a confidential client without its secret")
            expectOAuthError(try await post(grant, basic(client.id, "wrong")), .unauthorized, "invalid_client", "client authentication failed")

            let spa = try await provider.makeClient(public: true)
            let withSecret = try await post([("grant_type", "refresh_token"), ("refresh_token", "x"), ("client_id", spa.id),
                                             ("client_secret", "anything")])
            expectOAuthError(withSecret, .unauthorized, "invalid_client", "this is a public client: it has no secret")
            #expect(withSecret.headers[.wwwAuthenticate] == #"Basic realm="gatehouse""#)
        }
    }

    @Test("client_credentials: never for public clients, and a scope must be well-formed (RFC 6749 §4.4, §3.3)")
    func clientCredentials() async throws {
        try await withProvider { provider, browser in
            let spa = TestRelyingParty(provider: provider, client: try await provider.makeClient(public: true, grantTypes: [.clientCredentials]),
                                       browser: browser)
            expectOAuthError(try await spa.token([("grant_type", "client_credentials")]), .badRequest, "unauthorized_client",
                             "public clients may not use client_credentials")
            let machine = TestRelyingParty(provider: provider, client: try await provider.makeClient(grantTypes: [.clientCredentials]),
                                           browser: browser)
            expectOAuthError(try await machine.token([("grant_type", "client_credentials"), ("scope", "a\\b")]), .badRequest,
                             "invalid_scope", "scope contains characters that are not allowed")
        }
    }

    @Test("authorization_code: an unknown code, and a verifier for a code issued without a challenge (RFC 7636 §4.6)")
    func authorizationCode() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            expectOAuthError(try await rp.redeem(code: "not-a-code", verifier: String(repeating: "v", count: 43)),
                             .badRequest, "invalid_grant", "the code is invalid or expired")
            // A confidential client may leave PKCE out (RFC 9700 §2.1.1); a verifier then is a downgrade sign.
            let state = "s"
            let start = try await browser.get("/authorize?" + FormEncoding.encode([
                ("response_type", "code"), ("client_id", client.id), ("redirect_uri", client.redirectURI), ("scope", "openid"),
                ("state", state)]))
            let login = try await browser.get(try #require(start.location))
            let user = try await provider.makeUser()
            let answer = try await browser.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            var location = try #require(answer.location)
            if location.hasPrefix("/consent") {
                let consent = try await browser.get(location)
                location = try #require(try await browser.post("/consent", form: [
                    ("csrf_token", consent.hiddenField("csrf_token") ?? ""), ("request", consent.hiddenField("request") ?? ""),
                    ("decision", "approve")]).location)
            }
            let code = try #require(queryItems(location)["code"])
            expectOAuthError(try await rp.redeem(code: code, verifier: String(repeating: "v", count: 43)), .badRequest, "invalid_grant",
                             "code_verifier was sent but the authorization request had no code_challenge")
        }
    }

    @Test("refresh_token: a malformed scope is invalid_scope and leaves the token usable (RFC 6749 §6)")
    func refreshScope() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let refresh = try await rp.tokens(for: try await provider.makeUser()).string("refresh_token")
            expectOAuthError(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "openid \"x\"")]),
                             .badRequest, "invalid_scope", "scope contains characters that are not allowed")
            #expect(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh)]).status == .ok)
        }
    }
}
