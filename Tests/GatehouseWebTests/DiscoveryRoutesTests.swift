import Foundation
import GatehouseCrypto
import GatehouseTestingStack
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Discovery, JWKS and health")
struct DiscoveryRoutesTests {
    @Test("both discovery documents derive every URL from the issuer and advertise iss (OIDC Discovery §3, RFC 8414, RFC 9207)",
          arguments: ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
    func discovery(path: String) async throws {
        try await withProvider { _, browser in
            let response = try await browser.get(path, headers: [.origin: "https://spa.example"])
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            let document = try response.json()
            let issuer = TestProvider.issuer
            #expect(document["issuer"] as? String == issuer)
            #expect(document["authorization_endpoint"] as? String == issuer + "/authorize")
            #expect(document["token_endpoint"] as? String == issuer + "/token")
            #expect(document["userinfo_endpoint"] as? String == issuer + "/userinfo")
            #expect(document["jwks_uri"] as? String == issuer + "/jwks.json")
            #expect(document["authorization_response_iss_parameter_supported"] as? Bool == true)
            #expect(document["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(document["response_types_supported"] as? [String] == ["code"])
            #expect(document["id_token_signing_alg_values_supported"] as? [String] == ["RS256"])
        }
    }

    @Test("the JWKS publishes the signing key with a stable RFC 7638 kid, CORS-enabled")
    func jwks() async throws {
        try await withProvider { provider, browser in
            let response = try await browser.get("/jwks.json", headers: [.origin: "https://spa.example"])
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            let keys = try #require(try response.json()["keys"] as? [[String: Any]])
            let key = try #require(keys.first)
            #expect(key["kid"] as? String == provider.signer.signingKey.kid)
            #expect(key["kty"] as? String == "RSA")
            #expect(key["alg"] as? String == "RS256")
            #expect(key["use"] as? String == "sig")
            #expect(key["d"] == nil, "never the private exponent")
        }
    }

    /// The headers `SecurityHeadersMiddleware` gives every answer (HSTS: the test issuer is https).
    static let securityHeaders: [HTTPField.Name] = [.contentSecurityPolicy, .xContentTypeOptions, HTTPField.Name("Referrer-Policy")!,
                                                    HTTPField.Name("X-Frame-Options")!, .strictTransportSecurity]

    @Test("discovery and the JWKS, made before any request and served without the per-request middleware, carry every header the pipeline gives other answers",
          arguments: ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/jwks.json"])
    func precomputedHeaders(path: String) async throws {
        try await withProvider { _, browser in
            // A route behind the whole pipeline, for the values the middleware writes.
            let health = try await browser.get("/health/live")
            let crossOriginToken = try await browser.post("/token", form: [("grant_type", "x")], headers: [.origin: "https://spa.example"])
            for origin in [nil, "https://spa.example"] {
                let answer = try await browser.get(path, headers: origin.map { [.origin: $0] } ?? [:])
                #expect(answer.status == .ok)
                for name in Self.securityHeaders {
                    #expect(health.headers[values: name].count == 1)
                    #expect(answer.headers[values: name] == health.headers[values: name], "\(path) \(name)")
                }
                #expect(answer.headers[.cacheControl] == "public, max-age=300")
                #expect(answer.headers[.contentType] == (path == "/jwks.json" ? "application/jwk-set+json" : "application/json"))
                #expect(answer.headers[.contentLength] == String(answer.body.readableBytes))
                for name in [HTTPField.Name.accessControlAllowOrigin, .accessControlExposeHeaders] {
                    #expect(answer.headers[values: name] == (origin == nil ? [] : crossOriginToken.headers[values: name]), "\(path) \(name)")
                }
                #expect(answer.headers[.accessControlAllowOrigin] == (origin == nil ? nil : "*"))
            }
            // A preflight still reaches CORS (no OPTIONS route: the unknown-route pipeline answers it).
            let preflight = try await browser.send(path, method: .options, headers: [.origin: "https://spa.example",
                                                                                      .accessControlRequestMethod: "GET"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            #expect(preflight.headers[.contentSecurityPolicy] == health.headers[.contentSecurityPolicy])
        }
    }

    @Test("the JWKS answer is made again when the key set changes (a key added and re-read), and stays the same bytes until then")
    func jwksFollowsTheKeySet() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-jwks-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try KeyDirectory.generate(in: directory)
        let signer = try RotatingSigner(directory: directory, publishDelay: 3600, now: Date())
        let provider = try await TestProvider()
        var dependencies = provider.dependencies
        dependencies.signer = signer
        try await provider.application(dependencies).test(.router) { client in
            let browser = TestBrowser(client)
            func kids() async throws -> [String] {
                let keys = try #require(try await browser.get("/jwks.json").json()["keys"] as? [[String: Any]])
                return keys.compactMap { $0["kid"] as? String }
            }
            #expect(try await kids() == [first.kid])
            let before = try await browser.get("/jwks.json")
            #expect(try await browser.get("/jwks.json").body == before.body, "the same bytes while nothing changes")

            let second = try KeyDirectory.generate(in: directory)
            #expect(try await kids() == [first.kid], "nothing changes before the signer re-reads its directory")
            #expect(try signer.reload(now: Date()) != nil)
            #expect(Set(try await kids()) == [first.kid, second.kid], "a new key is published on the next request")
            let after = try await browser.get("/jwks.json")
            #expect(after.headers[.contentLength] == String(after.body.readableBytes))
            #expect(after.headers[.contentSecurityPolicy] == before.headers[.contentSecurityPolicy])
            #expect(Array(after.body.readableBytesView) == signer.jwksJSON())
        }
    }

    @Test("health: live always, ready when PostgreSQL and Redis answer")
    func health() async throws {
        try await withProvider { _, browser in
            #expect(try await browser.get("/health/live").status == .ok)
            let ready = try await browser.get("/health/ready")
            #expect(ready.status == .ok)
            #expect(try ready.json()["status"] as? String == "ok")
        }
    }
}

@Suite("Metrics")
struct MetricsTests {
    @Test("/metrics exposes request and grant counters in Prometheus text format")
    func metrics() async throws {
        // A scraper on the host itself (GATEHOUSE_METRICS_ALLOW's default: MetricsAccessTests).
        try await withMetricsProvider(peer: "127.0.0.1") { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            #expect(try await rp.token([("grant_type", "client_credentials")]).status == .ok)
            let response = try await browser.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(response.text.contains(#"gatehouse_token_requests_total{grant_type="client_credentials",outcome="issued"}"#))
            #expect(response.text.contains("hb_requests"))
        }
    }

    @Test("answers made before any request, pages and refused requests are all counted, by route, method and status")
    func everyRouteCounted() async throws {
        try await withMetricsProvider(peer: "127.0.0.1") { _, browser in
            #expect(try await browser.get("/jwks.json").status == .ok)
            #expect(try await browser.get("/login").status == .ok)
            #expect(try await browser.post("/token", form: [("grant_type", "x")]).status == .badRequest)
            #expect(try await browser.get("/no-such-page").status == .notFound)
            let text = try await browser.get("/metrics").text
            for line in [#"hb_requests{http_route="/jwks.json",http_request_method="GET",http_response_status_code="200"}"#,
                         #"hb_requests{http_route="/login",http_request_method="GET",http_response_status_code="200"}"#,
                         #"hb_requests{http_route="/token",http_request_method="POST",http_response_status_code="400"}"#,
                         #"hb_requests{http_route="NotFound",http_request_method="GET",http_response_status_code="404"}"#,
                         #"http_server_request_duration_count{http_route="/jwks.json",http_request_method="GET",http_response_status_code="200"}"#] {
                #expect(text.contains(line), "\(line)")
            }
        }
    }
}
