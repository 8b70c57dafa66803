import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// Per-IP limits (429 with Retry-After: a page for browser endpoints, OAuth JSON for APIs), the
/// client address rule, and failing closed without Redis.
@Suite("Rate limits per IP")
struct RateLimitTests {
    @Test("over the login limit an address gets 429 with Retry-After and a page; other addresses do not (RFC 6585 §4)")
    func loginLimit() async throws {
        let protection = TestProtection.behindProxy { $0.perIP[.login] = LimitPolicy(limit: 3, window: .seconds(60)) }
        try await withProtectedProvider(protection: protection) { provider, browser in
            for _ in 0..<3 {
                #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.5").status == .badRequest)
            }
            let refused = try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.5")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "60")
            #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(refused.text.contains("Too many requests"))

            // Writing another address in front does not help: the proxy appended the real one.
            let spoofed = try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "198.51.100.1, 203.0.113.5")
            #expect(spoofed.status == .tooManyRequests)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.6").status == .badRequest)

            provider.clock.advance(by: 60)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.5").status == .badRequest,
                    "a new window")
        }
    }

    @Test("X-Forwarded-For from a peer that is not a trusted proxy is ignored")
    func untrustedForwardedFor() async throws {
        var protection = TestProtection()
        protection.clientAddresses = ClientAddressResolver(trustedProxies: [], peerOverride: "192.0.2.99")
        protection.settings.perIP[.login] = LimitPolicy(limit: 2, window: .seconds(60))
        try await withProtectedProvider(protection: protection) { provider, browser in
            _ = try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.1")
            _ = try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.2")
            let third = try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.3")
            #expect(third.status == .tooManyRequests, "all three counted against the peer, whatever the header said")
        }
    }

    @Test("registration, reset requests, verification codes and resends are limited per IP", arguments: [
        RateLimitedAction.registration, .passwordReset, .verification, .verificationResend,
    ])
    func accountFormLimits(action: RateLimitedAction) async throws {
        let protection = TestProtection.behindProxy { $0.perIP[action] = LimitPolicy(limit: 2, window: .seconds(3600)) }
        try await withProtectedProvider(protection: protection) { provider, browser in
            let (page, path, fields): (String, String, [(String, String)]) = switch action {
            case .registration: ("/register", "/register", [("name", "Ann"), ("email", provider.uniqueEmail()), ("password", strongPassword)])
            case .passwordReset: ("/forgot-password", "/forgot-password", [("email", provider.uniqueEmail())])
            case .verification: ("/login", "/verify-email", [("ticket", "no-such-ticket"), ("code", "123456")])
            default: ("/login", "/verify-email/resend", [("ticket", "no-such-ticket")])
            }
            func send(from address: String) async throws -> TestResponse {
                let headers: HTTPFields = [.xForwardedFor: address]
                let token = try await browser.get(page, headers: headers).hiddenField("csrf_token") ?? ""
                return try await browser.post(path, form: [("csrf_token", token)] + fields, headers: headers)
            }
            for _ in 0..<2 { #expect(try await send(from: "203.0.113.7").status != .tooManyRequests) }
            let refused = try await send(from: "203.0.113.7")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "3600")
            #expect(try await send(from: "203.0.113.8").status != .tooManyRequests)
        }
    }

    @Test("failed client authentication at /token: 429 JSON after the limit; a right secret is never refused for others' failures")
    func clientAuthenticationFailures() async throws {
        let protection = TestProtection.behindProxy { $0.perIP[.clientAuthentication] = LimitPolicy(limit: 3, window: .seconds(300)) }
        try await withProtectedProvider(protection: protection) { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let secret = try #require(client.secret)
            func grant(_ secret: String, from address: String) async throws -> TestResponse {
                try await browser.post("/token", form: [("grant_type", "client_credentials"), ("client_id", client.id),
                                                        ("client_secret", secret)], headers: [.xForwardedFor: address])
            }
            for _ in 0..<10 { #expect(try await grant(secret, from: "203.0.113.20").status == .ok, "successes never count") }

            for _ in 0..<3 { #expect(try await grant("wrong", from: "203.0.113.21").status == .unauthorized) }
            let refused = try await grant("wrong", from: "203.0.113.21")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "300")
            #expect(refused.headers[.cacheControl] == "no-store")
            let body = try refused.json()
            #expect(body["error"] as? String == "temporarily_unavailable")
            #expect(body["error_description"] as? String == "too many failed attempts; retry after 300 seconds")
            #expect(try await grant(secret, from: "203.0.113.21").status == .ok,
                    "a right 256-bit secret on an address out of failures (a fuzzer beside a service) still works")
            #expect(try await grant("wrong", from: "203.0.113.21").status == .tooManyRequests, "its failures stay refused")

            #expect(try await grant(secret, from: "203.0.113.20").status == .ok, "other addresses keep working")
            provider.clock.advance(by: 300)
            #expect(try await grant(secret, from: "203.0.113.21").status == .ok, "the window ended")
        }
    }

    @Test("failed client authentication at /revoke and /introspect counts toward the same limit as at /token")
    func clientAuthenticationFailuresEverywhere() async throws {
        let protection = TestProtection.behindProxy { $0.perIP[.clientAuthentication] = LimitPolicy(limit: 2, window: .seconds(300)) }
        try await withProtectedProvider(protection: protection) { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            let headers: HTTPFields = [.xForwardedFor: "203.0.113.30"]
            let wrong = [("client_id", client.id), ("client_secret", "wrong"), ("token", "whatever")]
            #expect(try await browser.post("/revoke", form: wrong, headers: headers).status == .unauthorized)
            #expect(try await browser.post("/introspect", form: wrong, headers: headers).status == .unauthorized)
            let refused = try await browser.post("/token", form: [("grant_type", "client_credentials"), ("client_id", client.id),
                                                                  ("client_secret", "wrong")], headers: headers)
            #expect(refused.status == .tooManyRequests)
            #expect(try await browser.post("/introspect", form: wrong, headers: headers).status == .tooManyRequests)
            #expect(try await browser.post("/token", form: [("grant_type", "client_credentials"), ("client_id", client.id),
                                                            ("client_secret", try #require(client.secret))], headers: headers).status
                    == .ok, "the right secret is never refused")
        }
    }

    @Test("failed client authentication is counted per client id too, from any address; the right secret still works")
    func clientAuthenticationFailuresPerClient() async throws {
        let protection = TestProtection.behindProxy { $0.perIP[.clientAuthentication] = LimitPolicy(limit: 3, window: .seconds(300)) }
        try await withProtectedProvider(protection: protection) { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            func grant(_ secret: String, from address: String) async throws -> TestResponse {
                try await browser.post("/token", form: [("grant_type", "client_credentials"), ("client_id", client.id),
                                                        ("client_secret", secret)], headers: [.xForwardedFor: address])
            }
            // A stale secret in three deployments of one service, each on its own address.
            for index in 0..<3 { #expect(try await grant("stale", from: "203.0.113.\(100 + index)").status == .unauthorized) }
            let refused = try await grant("stale", from: "203.0.113.110")
            #expect(refused.status == .tooManyRequests, "the client id used up its failures, whatever the address")
            #expect(refused.headers[.retryAfter] == "300")
            #expect(try await grant(try #require(client.secret), from: "203.0.113.110").status == .ok)
            let other = try await provider.makeClient(grantTypes: [.clientCredentials])
            #expect(try await browser.post("/token", form: [("grant_type", "client_credentials"), ("client_id", other.id),
                                                            ("client_secret", "wrong")], headers: [.xForwardedFor: "203.0.113.111"]).status
                    == .unauthorized, "another client id has a count of its own")
        }
    }

    @Test("Redis unreachable: sign-in fails closed with 503 and runs no argon2; client_credentials grants need no Redis")
    func failsClosedWithoutRedis() async throws {
        let counting = try CountingHasher(TestProvider.cheapHasher())
        var protection = TestProtection()
        protection.redisURL = "redis://127.0.0.1:1/0"   // nothing listens on port 1
        try await withProtectedProvider(hasher: counting, protection: protection) { provider, browser in
            let user = try await provider.makeUser()
            let before = counting.verifications
            let signIn = try await browser.signIn(user.email, user.password)
            #expect(signIn.status == .serviceUnavailable)
            #expect(signIn.headers[.retryAfter] != nil)
            #expect(counting.verifications == before, "no uncounted attempt")
            #expect(browser.cookies["gh_session"] == nil)

            let client = try await provider.makeClient(grantTypes: [.clientCredentials])
            func grant(_ secret: String) async throws -> TestResponse {
                try await browser.post("/token", form: [("grant_type", "client_credentials"), ("client_id", client.id),
                                                        ("client_secret", secret)])
            }
            #expect(try await grant(try #require(client.secret)).status == .ok, "a successful grant never waits on the limiter")
            #expect(try await grant("wrong").status == .unauthorized, "uncounted, but nothing let through")
        }
    }
}

/// The real socket path: over TCP the peer address comes from the connection, and only a
/// trusted proxy's X-Forwarded-For replaces it.
@Suite("Client address over a real connection")
struct LiveClientAddressTests {
    func provider(trusting proxies: [String]) async throws -> TestProvider {
        var protection = TestProtection()
        protection.clientAddresses = ClientAddressResolver(trustedProxies: proxies.compactMap(IPNetwork.init))
        protection.settings.perIP[.login] = LimitPolicy(limit: 1, window: .seconds(60))
        return try await TestProvider(protection: protection)
    }

    @Test("behind a trusted proxy (127.0.0.1) each forwarded client has its own count")
    func trustedPeer() async throws {
        let provider = try await provider(trusting: ["127.0.0.1"])
        try await provider.application().test(.live) { client async throws in
            let browser = TestBrowser(client)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.40").status == .badRequest)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.40").status == .tooManyRequests)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.41").status == .badRequest)
        }
    }

    @Test("without trusted proxies the TCP peer counts, whatever X-Forwarded-For says")
    func untrustedPeer() async throws {
        let provider = try await provider(trusting: [])
        try await provider.application().test(.live) { client async throws in
            let browser = TestBrowser(client)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.42").status == .badRequest)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.43").status == .tooManyRequests)
        }
    }
}
