import Foundation
import GatehouseTestingStack
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
}
