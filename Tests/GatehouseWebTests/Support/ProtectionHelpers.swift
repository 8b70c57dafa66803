import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Runs `body` against a provider with the given brute-force protection (production limits by
/// default, counters in a Redis namespace of its own), and closes any Redis pool it opened.
func withProtectedProvider(hasher: (any PasswordHasher)? = nil, protection: TestProtection = TestProtection(),
                           _ body: @escaping @Sendable (TestProvider, TestBrowser) async throws -> Void) async throws {
    let provider = try await TestProvider(hasher: hasher, protection: protection)
    do {
        try await provider.application().test(.router) { client in
            try await body(provider, TestBrowser(client))
        }
    } catch {
        await provider.shutdown()
        throw error
    }
    await provider.shutdown()
}

extension TestProtection {
    /// Requests seem to come through a trusted proxy at `proxy`, which forwards the client's
    /// address in X-Forwarded-For (router tests have no socket to take a peer address from).
    static func behindProxy(_ proxy: String = "192.0.2.10", configure: (inout ProtectionSettings) -> Void = { _ in }) -> TestProtection {
        var protection = TestProtection()
        protection.clientAddresses = ClientAddressResolver(trustedProxies: [IPNetwork(proxy)!], peerOverride: proxy)
        configure(&protection.settings)
        return protection
    }
}

extension TestBrowser {
    /// Signs in on the login page, optionally from `address` (sent as X-Forwarded-For).
    func signIn(_ email: String, _ password: String, from address: String? = nil) async throws -> TestResponse {
        let headers: HTTPFields = address.map { [.xForwardedFor: $0] } ?? [:]
        let page = try await get("/login", headers: headers)
        return try await post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", email), ("password", password)],
                              headers: headers)
    }

    /// A CSRF cookie and its token, for sending many forms at once without sharing this browser.
    func csrfPair() async throws -> (cookie: String, token: String) {
        let token = try #require(try await get("/login").hiddenField("csrf_token"))
        return (try #require(cookies["gh_csrf"]), token)
    }
}

/// POSTs a sign-in straight through `client` with a fixed CSRF pair: safe to call concurrently.
func postSignIn(_ client: any TestClientProtocol, csrf: (cookie: String, token: String), email: String,
                password: String) async throws -> TestResponse {
    let body = FormEncoding.encode([("csrf_token", csrf.token), ("email", email), ("password", password)])
    return try await client.execute(uri: "/login", method: .post,
                                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "__Host-gh_csrf=\(csrf.cookie)"],
                                    body: ByteBuffer(string: body))
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
