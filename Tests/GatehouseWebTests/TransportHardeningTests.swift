import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
import HummingbirdTesting
import Testing

/// What an https issuer adds: HSTS (RFC 6797) and `__Host-` cookies (RFC 6265bis §4.1.3.2),
/// which no sibling subdomain or plain-http page can plant. An http issuer (development on
/// loopback) keeps neither, since browsers would refuse the prefix without Secure.
@Suite("https issuers: Strict-Transport-Security and __Host- cookies")
struct TransportHardeningTests {
    /// A Set-Cookie header as its name=value and its set of attributes (whose order is not fixed).
    struct SetCookie: Equatable {
        let pair: String
        let attributes: Set<String>
    }

    static func parse(_ header: String) -> SetCookie {
        let parts = header.components(separatedBy: "; ")
        return SetCookie(pair: parts[0], attributes: Set(parts.dropFirst()))
    }

    static let httpIssuer: @Sendable (inout ProviderSettings) -> Void = { $0.issuer = "http://127.0.0.1:8080" }

    @Test("an https issuer sends Strict-Transport-Security on pages and API answers; an http issuer does not (RFC 6797 §7.2)")
    func strictTransportSecurity() async throws {
        try await withProvider { _, browser in
            for path in ["/login", "/jwks.json", "/health/live", "/.well-known/openid-configuration"] {
                let response = try await browser.get(path)
                #expect(response.headers[.strictTransportSecurity] == "max-age=63072000; includeSubDomains", "\(path)")
            }
        }
        try await withProvider(configure: Self.httpIssuer) { _, browser in
            let response = try await browser.get("/login")
            #expect(response.status == .ok)
            #expect(response.headers[.strictTransportSecurity] == nil)
        }
    }

    @Test("on https every cookie is __Host-: Secure, Path=/, no Domain; on http the names stay plain")
    func hostPrefixedCookies() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let page = try await browser.get("/login")
            let csrf = try #require(browser.cookies["gh_csrf"])
            #expect(page.headers[values: .setCookie].map(Self.parse) == [Self.parse("__Host-gh_csrf=\(csrf); Path=/; Secure; HttpOnly; SameSite=Lax")])
            let signedIn = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                  ("email", user.email), ("password", user.password)])
            let session = try #require(browser.cookies["gh_session"])
            #expect(signedIn.headers[values: .setCookie].map(Self.parse) ==
                    [Self.parse("__Host-gh_session=\(session); Max-Age=43200; Path=/; Secure; HttpOnly; SameSite=Lax")])
            #expect(browser.setCookieHeaders.allSatisfy { $0.hasPrefix("__Host-gh_") && !$0.lowercased().contains("domain=") })
        }
        try await withProvider(configure: Self.httpIssuer) { provider, browser in
            let user = try await provider.makeUser()
            let page = try await browser.get("/login")
            let csrf = try #require(browser.cookies["gh_csrf"])
            #expect(page.headers[values: .setCookie].map(Self.parse) == [Self.parse("gh_csrf=\(csrf); Path=/; HttpOnly; SameSite=Lax")])
            let signedIn = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                  ("email", user.email), ("password", user.password)])
            #expect(signedIn.location == "/account")
            #expect(try await browser.get("/account").status == .ok, "plain names work on http")
        }
    }

    @Test("on https a plain-named session or CSRF cookie (as a sibling subdomain could set) is ignored")
    func plainNamesIgnoredOnHTTPS() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let session = try #require(browser.cookies["gh_session"])
            #expect(try await browser.get("/account").status == .ok)

            let planted = TestBrowser(browser.client)
            planted.setRawCookie("gh_session", session)
            #expect(try await planted.get("/account").location == "/login", "the session is not read under its plain name")
            planted.setRawCookie("__Host-gh_session", session)
            #expect(try await planted.get("/account").status == .ok)

            // A CSRF cookie under the plain name does not count either: the form is refused.
            let other = TestBrowser(browser.client)
            let token = try #require(try await other.get("/login").hiddenField("csrf_token"))
            let csrf = try #require(other.cookies["gh_csrf"])
            let plain = TestBrowser(browser.client)
            plain.setRawCookie("gh_csrf", csrf)
            let refused = try await plain.post("/login", form: [("csrf_token", token), ("email", user.email), ("password", user.password)])
            #expect(refused.status == .forbidden)
        }
    }
}
