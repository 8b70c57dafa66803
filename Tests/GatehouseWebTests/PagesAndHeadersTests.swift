import Foundation
import GatehouseCore
import HTTPTypes
import GatehouseCrypto
import GatehouseTestingStack
import HummingbirdTesting
import NIOConcurrencyHelpers
import Testing

@Suite("Hosted pages: CSRF, cookies, security headers, no account oracle")
struct PagesAndHeadersTests {
    @Test("the login form without its CSRF token, or with another browser's, is refused")
    func csrf() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.get("/login")
            let missing = try await browser.post("/login", form: [("email", user.email), ("password", user.password)])
            #expect(missing.status == .forbidden)
            #expect(browser.cookies["gh_session"] == nil)
            let other = TestBrowser(browser.client)
            let foreignToken = try #require(try await other.get("/login").hiddenField("csrf_token"))
            let forged = try await browser.post("/login", form: [("csrf_token", foreignToken), ("email", user.email), ("password", user.password)])
            #expect(forged.status == .forbidden)
            let page = try await browser.get("/login")
            let ok = try await browser.post("/login", form: [("csrf_token", try #require(page.hiddenField("csrf_token"))),
                                                            ("email", user.email), ("password", user.password)])
            #expect(ok.status == .seeOther)
            #expect(browser.cookies["gh_session"] != nil)
        }
    }

    @Test("pages carry CSP with frame-ancestors 'none', nosniff and Referrer-Policy; cookies are HttpOnly, SameSite=Lax, Secure on https")
    func headersAndCookies() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let page = try await browser.get("/login")
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            _ = try await browser.post("/login", form: [("csrf_token", try #require(page.hiddenField("csrf_token"))),
                                                       ("email", user.email), ("password", user.password)])
            let sessionCookie = try #require(browser.setCookieHeaders.first { $0.hasPrefix("__Host-gh_session=") })
            for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
                #expect(sessionCookie.contains(attribute), "session cookie lacks \(attribute): \(sessionCookie)")
            }
        }
    }

    @Test("the login page has stable ids, names and autocomplete hints for password managers")
    func loginMarkup() async throws {
        try await withProvider { _, browser in
            let html = try await browser.get("/login").text
            for fragment in [#"id="email" name="email" type="email" autocomplete="username""#,
                             #"id="password" name="password" type="password" autocomplete="current-password""#,
                             #"<label for="email">"#, #"<label for="password">"#] {
                #expect(html.contains(fragment), "missing \(fragment)")
            }
        }
    }

    @Test("an unknown email costs an argon2 verification and answers like a wrong password")
    func noAccountOracle() async throws {
        let counting = try CountingHasher(TestProvider.cheapHasher())
        try await withProvider(hasher: counting) { provider, browser in
            let user = try await provider.makeUser()
            func attempt(_ email: String) async throws -> String {
                let page = try await browser.get("/login")
                return try await browser.post("/login", form: [("csrf_token", try #require(page.hiddenField("csrf_token"))),
                                                              ("email", email), ("password", "wrong-password")]).text
            }
            let before = counting.verifications
            let wrongPassword = try await attempt(user.email)
            let unknown = try await attempt("nobody-\(UUID())@example.test")
            #expect(counting.verifications - before == 2, "both attempts ran argon2")
            #expect(counting.dummyVerifications == 1)
            #expect(wrongPassword.contains("The email or password is not right"))
            #expect(unknown.contains("The email or password is not right"))
        }
    }

    @Test("HTML is escaped: a hostile client name and login_hint render as text")
    func escaping() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(name: "<script>alert(1)</script>")
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            var request = TestRelyingParty.Request()
            request.extra = [("login_hint", "\"><img src=x onerror=alert(1)>")]
            let login = try await browser.get(try #require(try await browser.get(rp.authorizeURL(request)).location))
            #expect(!login.text.contains("<script>alert(1)</script>"))
            #expect(login.text.contains("&lt;script&gt;"))
            #expect(!login.text.contains("<img src=x"))
        }
    }

    @Test("the error page for an unknown request id says what to do next")
    func expiredRequest() async throws {
        try await withProvider { _, browser in
            let response = try await browser.get("/login?request=unknown")
            #expect(response.text.contains("start again"))
        }
    }
}

/// Counts argon2 work, to show an unknown account costs what a known one does.
final class CountingHasher: PasswordHasher, @unchecked Sendable {
    let inner: any PasswordHasher
    private let counts = NIOLockedValueBox((verify: 0, dummy: 0))

    init(_ inner: any PasswordHasher) { self.inner = inner }

    var verifications: Int { counts.withLockedValue { $0.verify + $0.dummy } }
    var dummyVerifications: Int { counts.withLockedValue { $0.dummy } }

    func hash(_ password: String) async throws -> String { try await inner.hash(password) }
    func verify(_ password: String, against encodedHash: String) async throws -> Bool {
        counts.withLockedValue { $0.verify += 1 }
        return try await inner.verify(password, against: encodedHash)
    }
    func needsRehash(_ encodedHash: String) -> Bool { inner.needsRehash(encodedHash) }
    func verifyDummy(_ password: String) async throws {
        counts.withLockedValue { $0.dummy += 1 }
        try await inner.verifyDummy(password)
    }
}
