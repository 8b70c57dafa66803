import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// Runs `body` against a provider whose requests come from `peer` (router tests have no socket;
/// nil: no address at all), with these trusted proxies and this `/metrics` access.
func withMetricsProvider(peer: String?, trustedProxies: [String] = [], access: MetricsAccess = MetricsAccess(),
                         _ body: @escaping @Sendable (TestProvider, TestBrowser) async throws -> Void) async throws {
    var protection = TestProtection()
    protection.clientAddresses = ClientAddressResolver(trustedProxies: trustedProxies.compactMap(IPNetwork.init), peerOverride: peer)
    var configured = try await TestProvider(protection: protection)
    configured.dependencies.web.metricsAccess = access
    let provider = configured
    try await provider.application().test(.router) { client in
        try await body(provider, TestBrowser(client))
    }
}

/// `/metrics` answers only scrapers from allowed networks (`GATEHOUSE_METRICS_ALLOW`, loopback by
/// default) or with the bearer token (`GATEHOUSE_METRICS_TOKEN`); everyone else gets the same 404
/// as a path that does not exist.
@Suite("Who may read /metrics")
struct MetricsAccessTests {
    static let token = "4f1c0e9a7b2d43e8a5c6f70812b3d4e5"

    /// The answer to a path that does not exist, which a refusal must look like.
    func expectLikeNoSuchPage(_ response: TestResponse, _ browser: TestBrowser, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let missing = try await browser.get("/no-such-page")
        #expect(response.status == .notFound, sourceLocation: sourceLocation)
        #expect(response.status == missing.status && response.text == missing.text, sourceLocation: sourceLocation)
        #expect(!response.text.contains("# TYPE"), sourceLocation: sourceLocation)
    }

    @Test("by default the host itself may scrape (127.0.0.0/8, ::1); any other address, or none, gets 404")
    func loopbackByDefault() async throws {
        for peer in ["127.0.0.1", "127.0.0.53", "::1"] {
            try await withMetricsProvider(peer: peer) { _, browser in
                let response = try await browser.get("/metrics")
                #expect(response.status == .ok, "\(peer)")
                #expect(response.text.contains("# TYPE"), "\(peer)")
            }
        }
        for peer in ["192.0.2.7", "10.0.0.1", "2001:db8::1", nil] as [String?] {
            try await withMetricsProvider(peer: peer) { _, browser in
                try await expectLikeNoSuchPage(try await browser.get("/metrics"), browser)
            }
        }
    }

    @Test("a proxy on the same host that Gatehouse was not told about cannot make the internet look like loopback")
    func untrustedProxy() async throws {
        try await withMetricsProvider(peer: "127.0.0.1") { _, browser in
            for header in [HTTPField.Name("X-Forwarded-For")!, HTTPField.Name("Forwarded")!] {
                let value = header.rawName == "Forwarded" ? "for=203.0.113.9" : "203.0.113.9"
                try await expectLikeNoSuchPage(try await browser.get("/metrics", headers: [header: value]), browser)
            }
        }
        // Told about it (GATEHOUSE_TRUSTED_PROXIES): the forwarded client's address decides.
        try await withMetricsProvider(peer: "127.0.0.1", trustedProxies: ["127.0.0.1"]) { _, browser in
            try await expectLikeNoSuchPage(try await browser.get("/metrics", headers: [.xForwardedFor: "203.0.113.9"]), browser)
            #expect(try await browser.get("/metrics", headers: [.xForwardedFor: "127.0.0.1"]).status == .ok)
        }
        let monitoring = MetricsAccess(allowedNetworks: [try #require(IPNetwork("203.0.113.0/24"))])
        try await withMetricsProvider(peer: "10.1.1.1", trustedProxies: ["10.1.1.1"], access: monitoring) { _, browser in
            #expect(try await browser.get("/metrics", headers: [.xForwardedFor: "203.0.113.9"]).status == .ok)
            try await expectLikeNoSuchPage(try await browser.get("/metrics", headers: [.xForwardedFor: "198.51.100.1"]), browser)
            try await expectLikeNoSuchPage(try await browser.get("/metrics"), browser)
        }
    }

    @Test("the bearer token admits a scraper from anywhere; a wrong or missing one gets 404 (RFC 6750 §2.1)")
    func bearerToken() async throws {
        let access = MetricsAccess(allowedNetworks: [], token: Self.token)
        try await withMetricsProvider(peer: "192.0.2.7", access: access) { _, browser in
            #expect(try await browser.get("/metrics", headers: [.authorization: "Bearer \(Self.token)"]).status == .ok)
            #expect(try await browser.get("/metrics", headers: [.authorization: "bearer \(Self.token)"]).status == .ok)
            for wrong in ["Bearer \(Self.token.dropLast())", "Bearer \(Self.token)0", "Basic \(Self.token)", "Bearer "] {
                try await expectLikeNoSuchPage(try await browser.get("/metrics", headers: [.authorization: wrong]), browser)
            }
            try await expectLikeNoSuchPage(try await browser.get("/metrics"), browser)
        }
        try await withMetricsProvider(peer: "127.0.0.1", access: access) { _, browser in
            try await expectLikeNoSuchPage(try await browser.get("/metrics"), browser)
        }
    }
}
