import Foundation
import GatehouseCore
@testable import GatehouseWeb
import GatehouseTestingStack
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The modules and their pipelines, checked over every route the modules register (read back with
/// a `RouterMethods` recorder), so a route added later is checked too: a page's form must carry
/// its CSRF token whichever module registers it, and the protocol routes that record audit events
/// run with the request's address and user agent.
@Suite("Feature modules and their pipelines")
struct ModulePipelineTests {
    /// Records the routes a module hands over (`RouterMethods.addRoutes`), without serving them.
    final class RouteRecorder: RouterMethods, @unchecked Sendable {
        typealias Context = GatehouseRequestContext
        private(set) var routes: [(method: HTTPRequest.Method, path: String)] = []

        @discardableResult
        func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
            where Responder.Context == Context {
            routes.append((method, path.description))
            return self
        }

        @discardableResult
        func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self { self }
    }

    /// Every route of every module, development pages included.
    static func routes(_ provider: TestProvider) -> [(method: HTTPRequest.Method, path: String)] {
        var dependencies = provider.dependencies
        dependencies.web.developmentMode = true
        let recorder = RouteRecorder()
        for module in GatehouseModules(dependencies).all {
            recorder.addRoutes(module.routes)
        }
        return recorder.routes
    }

    /// The POST routes that take a form no page of ours showed, and why: all others must refuse a
    /// form without its CSRF token.
    static let postsWithoutCSRF: [String: String] = [
        "/authorize": "a relying party's page posts the authorization request (RFC 6749 §3.1)",
        "/logout": "a relying party's page posts the logout request; only our confirmation carries a token",
        "/token": "a client's back-channel call, authenticated by the client (no cookies)",
        "/revoke": "a client's back-channel call, authenticated by the client (no cookies)",
        "/introspect": "a resource server's back-channel call, authenticated by the client (no cookies)",
        "/userinfo": "a protected resource: the access token is the credential (no cookies)",
    ]

    /// Every route of the JSON API takes no CSRF token either: the bearer access token is the
    /// credential (no cookies), and its bodies are JSON, never a form.
    static let apiPrefix = "/api/v1/"

    @Test("every form a page posts, in whichever module, is refused without its CSRF token (403) before it does anything")
    func everyPageFormNeedsItsToken() async throws {
        try await withProvider { provider, browser in
            let routes = Self.routes(provider)
            let posts = Set(routes.filter { $0.method == .post && !$0.path.hasPrefix(Self.apiPrefix) }.map(\.path))
            #expect(routes.contains { $0.method == .post && $0.path.hasPrefix(Self.apiPrefix) }, "the recorder saw the API's routes")
            #expect(posts.count > Self.postsWithoutCSRF.count, "the recorder saw the modules' routes")
            #expect(Self.postsWithoutCSRF.keys.allSatisfy(posts.contains), "every exception is a real route")

            // A signed-in browser with a CSRF cookie, posting each form without the token.
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).status == .seeOther)
            _ = try await browser.get("/login")
            #expect(browser.cookies["gh_csrf"] != nil)
            let client = browser.client
            let cookies = browser.cookies.header
            var refused: Set<String> = []
            for path in posts.sorted() {
                let response = try await client.execute(
                    uri: path, method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookies],
                    body: ByteBuffer(string: FormEncoding.encode([("name", "Changed Name"), ("email", "x@example.test")])))
                if response.status == .forbidden && String(buffer: response.body).contains("This form has expired") {
                    refused.insert(path)
                }
            }
            #expect(posts.subtracting(refused) == Set(Self.postsWithoutCSRF.keys),
                    "a page form that takes no token, or an exception that no longer is one")
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.name == user.user.name, "nothing was changed")
        }
    }

    @Test("an event a protocol route records (a revoked token) carries the request's address and user agent")
    func protocolRoutesHaveTheAuditContext() async throws {
        try await withProtectedProvider(protection: .behindProxy()) { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let refreshToken = try await rp.tokens(for: user).string("refresh_token")
            let agent = "ModuleTest/1.0 (\(provider.crypto.randomToken(byteCount: 6)))"
            let credentials = "\(FormEncoding.encodeComponent(client.id)):\(FormEncoding.encodeComponent(try #require(client.secret)))"
            let answer = try await browser.post("/revoke", form: [("token", refreshToken)], headers: [
                .authorization: "Basic " + Data(credentials.utf8).base64EncodedString(), .userAgent: agent,
                HTTPField.Name("X-Forwarded-For")!: "198.51.100.23",
            ])
            #expect(answer.status == .ok)
            let revoked = try #require(try await provider.audit.newest(limit: 100, subject: user.user.id).map(\.revealedEvent)
                .first { $0.type == .tokenRevoked })
            #expect(revoked.userAgent == agent)
            #expect(revoked.ip == "198.51.100.23")
        }
    }
}
