import Foundation
import GatehouseCore
import GatehouseTesting
import GatehouseWeb
import HummingbirdTesting
import Testing

/// When `/authorize` cannot trust the client or its redirect URI it shows its own page and
/// redirects nowhere (RFC 6749 §4.1.2.1). Core says why (`AuthorizationFailure.Displayed`); the
/// web layer words it. Each reason's page, word for word.
@Suite("/authorize's own error pages, word for word (RFC 6749 §4.1.2.1)")
struct AuthorizationErrorPageTests {
    func expectPage(_ response: TestResponse, _ title: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .badRequest, sourceLocation: sourceLocation)
        #expect(response.location == nil, "never a redirect", sourceLocation: sourceLocation)
        #expect(response.text.contains("<h1>\(title)</h1>"), sourceLocation: sourceLocation)
        #expect(response.text.contains(#"<p class="alert" role="alert">\#(message)</p>"#), "\(response.text)", sourceLocation: sourceLocation)
    }

    @Test("no client_id, an unknown one, no redirect_uri, an unregistered one, a value over its cap")
    func reasons() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            func authorize(_ pairs: [(String, String)]) async throws -> TestResponse {
                try await browser.get("/authorize?" + FormEncoding.encode([("response_type", "code"), ("scope", "openid")] + pairs))
            }
            expectPage(try await authorize([("redirect_uri", client.redirectURI)]), "Unknown application",
                       "The sign-in link did not name an application (client_id is missing or repeated).")
            expectPage(try await authorize([("client_id", client.id), ("client_id", client.id), ("redirect_uri", client.redirectURI)]),
                       "Unknown application", "The sign-in link did not name an application (client_id is missing or repeated).")
            expectPage(try await authorize([("client_id", "nobody"), ("redirect_uri", client.redirectURI)]), "Unknown application",
                       "The application that sent you here is not registered with this server.")
            expectPage(try await authorize([("client_id", client.id)]), "Invalid sign-in link",
                       "The application did not say where to return you (redirect_uri is missing or repeated).")
            expectPage(try await authorize([("client_id", client.id), ("redirect_uri", "https://evil.example/cb")]), "Invalid sign-in link",
                       "The application asked to return you to an address it has not registered, so you were not sent there.")
            expectPage(try await authorize([("client_id", client.id), ("redirect_uri", client.redirectURI), ("nonce", String(repeating: "n", count: 513))]),
                       "Invalid sign-in link",
                       "The application sent a sign-in request with a value that is too long (nonce is over 512 bytes), "
                           + "so it was refused (invalid_request). Go back to the application and try again.")
        }
    }

    @Test("a client removed while its sign-in was pending: the page says so, and nothing is redirected")
    func clientRemoved() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let start = try await browser.get(rp.authorizeURL(.init()))
            let login = try await browser.get(try #require(start.location))
            #expect(try await provider.dependencies.clients.delete(id: client.id))
            let answer = try await browser.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            expectPage(answer, "Unknown application", "The application is no longer registered with this server.")
        }
    }
}
