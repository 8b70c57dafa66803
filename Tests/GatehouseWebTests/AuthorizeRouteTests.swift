import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HummingbirdTesting
import Testing

@Suite("/authorize refuses bad requests the way the specs say")
struct AuthorizeRouteTests {
    @Test("an unknown client_id gets Gatehouse's error page, never a redirect (RFC 6749 §4.1.2.1)")
    func unknownClient() async throws {
        try await withProvider { provider, browser in
            let response = try await browser.get("/authorize?" + FormEncoding.encode([
                ("response_type", "code"), ("client_id", "nobody"), ("redirect_uri", "https://evil.example/cb"), ("scope", "openid")]))
            #expect(response.status == .badRequest)
            #expect(response.location == nil)
            #expect(response.text.contains("not registered"))
        }
    }

    @Test("redirect URIs match exactly: near misses get the error page (RFC 9700 §4.1.3)",
          arguments: ["https://app.example/cb/", "https://app.example/cb?x=1", "https://app.example/CB",
                      "https://a.example@evil.example/cb", "https://app.example/cb/../cb", "https://APP.example/cb",
                      "https://app.example:443/cb", "http://app.example/cb", "https://app.example/cb#frag"])
    func exactRedirectMatching(candidate: String) async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(redirectURIs: ["https://app.example/cb"])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let response = try await browser.get(rp.authorizeURL(.init(), redirectURI: candidate))
            #expect(response.status == .badRequest)
            #expect(response.location == nil)
            #expect(response.text.contains("has not registered"))
        }
    }

    @Test("a public client's loopback redirect URI accepts any port (RFC 8252 §7.3)")
    func loopbackAnyPort() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(public: true, redirectURIs: ["http://127.0.0.1:8000/callback"])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let accepted = try await browser.get(rp.authorizeURL(.init(), redirectURI: "http://127.0.0.1:51234/callback"))
            #expect(accepted.status == .seeOther)
            #expect(accepted.location?.hasPrefix("/login?request=") == true)
            for refused in ["http://127.0.0.1:51234/other", "http://127.0.0.1.evil.example:8000/callback", "http://localhost:8000/callback"] {
                let response = try await browser.get(rp.authorizeURL(.init(), redirectURI: refused))
                #expect(response.status == .badRequest, "\(refused) must be refused")
            }
        }
    }

    @Test("other errors redirect with error, error_description, state byte for byte and iss (RFC 6749 §4.1.2.1, RFC 9207)",
          arguments: [
              // An empty value counts as absent (RFC 6749 §3.1).
              ([("response_type", "")], "invalid_request", "response_type is required"),
              ([("response_type", "token")], "unsupported_response_type", "only response_type=code is supported"),
              ([("response_type", "code id_token")], "unsupported_response_type", "only response_type=code is supported"),
              ([("code_challenge_method", "plain")], "invalid_request", "code_challenge_method must be S256"),
              ([("code_challenge", "")], "invalid_request", "code_challenge_method was sent without code_challenge"),
              ([("code_challenge", "too-short")], "invalid_request", "code_challenge is malformed"),
              ([("prompt", "none login")], "invalid_request", "prompt=none cannot be combined with other values"),
              ([("prompt", "sideways")], "invalid_request", "prompt holds a value that is not supported"),
              ([("max_age", "-1")], "invalid_request", "max_age must be a non-negative integer"),
              ([("request", "eyJhbGciOiJub25lIn0.e30.")], "request_not_supported", "request objects are not supported"),
              ([("request_uri", "https://app.example/request.jwt")], "request_uri_not_supported", "request_uri is not supported"),
              ([("scope", "openid \"quoted\"")], "invalid_scope", "scope contains characters that are not allowed"),
              ([("id_token_hint", "not-a-token")], "invalid_request", "id_token_hint is not an ID token issued by this server"),
              ([("response_mode", "fragment")], "invalid_request", "response_mode must be query or form_post"),
          ] as [([(String, String)], String, String)])
    func redirectedErrors(overrides: [(String, String)], expected: String, description: String) async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let state = "st@te with spaces/&=+%é"
            var pairs: [(String, String)] = [("response_type", "code"), ("client_id", client.id), ("redirect_uri", client.redirectURI),
                                             ("scope", "openid"), ("state", state), ("code_challenge", String(repeating: "a", count: 43)),
                                             ("code_challenge_method", "S256")]
            for (name, value) in overrides {
                pairs.removeAll { $0.0 == name }
                pairs.append((name, value))
            }
            let response = try await browser.get("/authorize?" + FormEncoding.encode(pairs))
            #expect(response.status == .seeOther)
            let location = try #require(response.location)
            #expect(location.hasPrefix(client.redirectURI + "?"))
            let items = queryItems(location)
            #expect(items["error"] == expected)
            #expect(items["error_description"] == description)
            #expect(items["state"] == state)
            #expect(items["iss"] == TestProvider.issuer)
        }
    }

    @Test("a repeated parameter is refused (RFC 6749 §3.1)")
    func repeatedParameter() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let response = try await browser.get(rp.authorizeURL(.init()) + "&scope=email")
            let items = queryItems(try #require(response.location))
            #expect(items["error"] == "invalid_request")
            #expect(items["error_description"] == "the parameter scope was included more than once")
            // A name Gatehouse does not read is refused too, but not repeated back (RFC 6749 §5.2).
            let unknown = queryItems(try #require(try await browser.get(rp.authorizeURL(.init()) + "&zqx=1&zqx=2").location))
            #expect(unknown["error"] == "invalid_request")
            #expect(unknown["error_description"] == "a parameter was included more than once")
        }
    }

    @Test("a client without the code grant is unauthorized_client (RFC 6749 §4.1.2.1)")
    func unauthorizedClient() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let items = queryItems(try #require(try await browser.get(rp.authorizeURL(request)).location))
            #expect(items["error"] == "unauthorized_client")
            #expect(items["error_description"] == "this client may not use the authorization_code grant")
            #expect(items["state"] == request.state)
        }
    }

    @Test("a public client without PKCE is refused (RFC 9700 §2.1.1)")
    func publicClientNeedsPKCE() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(public: true)
            let response = try await browser.get("/authorize?" + FormEncoding.encode([
                ("response_type", "code"), ("client_id", client.id), ("redirect_uri", client.redirectURI), ("scope", "openid"), ("state", "s")]))
            let items = queryItems(try #require(response.location))
            #expect(items["error"] == "invalid_request")
            #expect(items["error_description"] == "public clients must use PKCE (code_challenge with S256)")
        }
    }

    @Test("POST /authorize works like GET, and its redirects are 303 (RFC 9700 §4.11)")
    func postAuthorize() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let response = try await browser.post("/authorize", form: [
                ("response_type", "code"), ("client_id", client.id), ("redirect_uri", client.redirectURI), ("scope", "openid"), ("state", "s")])
            #expect(response.status == .seeOther)
            #expect(response.location?.hasPrefix("/login?request=") == true)
        }
    }

    @Test("prompt=none without a session redirects with login_required (OIDC Core §3.1.2.6)")
    func promptNoneWithoutSession() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            var request = TestRelyingParty.Request()
            request.extra = [("prompt", "none")]
            let response = try await browser.get(rp.authorizeURL(request))
            let items = queryItems(try #require(response.location))
            #expect(items["error"] == "login_required")
            #expect(items["error_description"] == "the user is not signed in")
            #expect(items["state"] == request.state)
            #expect(items["iss"] == TestProvider.issuer)
        }
    }

    @Test("the user denying consent redirects with access_denied")
    func denyConsent() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let items = try await rp.signIn(user, request, approve: false)
            #expect(items["error"] == "access_denied")
            #expect(items["state"] == request.state)
            #expect(items["code"] == nil)
        }
    }

    @Test("/authorize never answers CORS requests")
    func noCORS() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let response = try await browser.get(rp.authorizeURL(.init()), headers: [.origin: "https://spa.example"])
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
