import Foundation
import GatehouseCore
import GatehouseWeb
import GatehouseTesting
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// NUL and other control bytes, bytes that are not UTF-8 and over-long queries are refused where
/// parameters are decoded (`FormBody`, `FormEncoding.decode`), before a store sees them
/// (PostgreSQL text cannot hold NUL: the review's `client_id=…%00` at `/authorize` answered 500).
@Suite("Bad bytes in any parameter get 400 with the rule named, never a 500 (issue 8, item 18)")
struct BadInputTests {
    static let control = "holds a control character (NUL, or a C0 control other than tab and line breaks)"

    func form(_ browser: TestBrowser, _ path: String, body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await browser.send(path, method: .post, headers: headers, body: body)
    }

    @Test("/authorize: a client_id with a NUL byte gets the 400 page, by GET and by POST")
    func authorizeNUL() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let query = "response_type=code&client_id=\(client.id)%00&redirect_uri=\(FormEncoding.encodeComponent(client.redirectURI))"
            for response in [try await browser.get("/authorize?" + query), try await form(browser, "/authorize", body: query)] {
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.text.contains("<h1>Invalid request</h1>"))
                #expect(response.text.contains("the value of client_id \(Self.control)"))
            }
        }
    }

    @Test("/token, /revoke, /introspect and /userinfo answer invalid_request naming the parameter")
    func endpoints() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let basic = "Basic " + Data("\(client.id):\(try #require(client.secret))".utf8).base64EncodedString()
            let cases: [(path: String, body: String, parameter: String)] = [
                ("/token", "grant_type=client_credentials&client_id=a%00b", "client_id"),
                ("/token", "grant_type=authorization_code&code=x%1Fy&redirect_uri=https%3A%2F%2Fapp.test", "code"),
                ("/revoke", "token=%00", "token"),
                ("/introspect", "token=abc%07", "token"),
            ]
            for (path, body, parameter) in cases {
                let response = try await form(browser, path, body: body, headers: [.authorization: basic])
                #expect(response.status == .badRequest, "\(path) \(body)")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(try response.json()["error"] as? String == "invalid_request")
                #expect(try response.json()["error_description"] as? String == "the value of \(parameter) \(Self.control)")
            }
            let userinfo = try await form(browser, "/userinfo", body: "access_token=ey%00")
            #expect(userinfo.status == .badRequest)
            #expect(try userinfo.json()["error_description"] as? String == "the value of access_token \(Self.control)")
            #expect(userinfo.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer realm="gatehouse", error="invalid_request""#) == true)
        }
    }

    @Test("Basic credentials whose id or secret holds NUL are not credentials: 401 invalid_client")
    func basicNUL() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            for credentials in ["\(client.id)\u{0}:\(try #require(client.secret))", "\(client.id):x%00y", "a%00:b"] {
                let response = try await form(browser, "/token", body: "grant_type=client_credentials",
                                              headers: [.authorization: "Basic " + Data(credentials.utf8).base64EncodedString()])
                #expect(response.status == .unauthorized)
                #expect(try response.json()["error"] as? String == "invalid_client")
                #expect(try response.json()["error_description"] as? String == "the Authorization header is not valid Basic credentials")
            }
        }
    }

    @Test("bytes that are not UTF-8, a broken escape and a bad parameter name are named too")
    func otherBadBytes() async throws {
        try await withProvider { _, browser in
            let notUTF8 = try await browser.get("/authorize?client_id=%FF")
            #expect(notUTF8.status == .badRequest)
            #expect(notUTF8.text.contains("the value of client_id is not UTF-8"))
            let escape = try await form(browser, "/token", body: "grant_type=client_credentials&client_id=%ZZ")
            #expect(try escape.json()["error_description"] as? String == "the value of client_id has a '%' that is not followed by two hex digits")
            let name = try await form(browser, "/token", body: "grant_type=client_credentials&%00=1")
            #expect(try name.json()["error_description"] as? String == "a parameter name \(Self.control)")
        }
    }

    @Test("a query string longer than a form body may be (16 KiB) is refused with 400")
    func longQuery() async throws {
        try await withProvider { _, browser in
            let long = try await browser.get("/authorize?state=" + String(repeating: "a", count: 16 * 1024))
            #expect(long.status == .badRequest)
            #expect(long.text.contains("the query string is longer than 16384 bytes"))
        }
    }

    @Test("the hosted pages refuse NUL in a typed field with their 400 page before checking anything")
    func pages() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let page = try await browser.get("/login")
            let login = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                ("email", user.email + "\u{0}"), ("password", user.password)])
            #expect(login.status == .badRequest)
            #expect(login.text.contains("the value of email \(Self.control)"))
            #expect(browser.cookies["gh_session"] == nil)
            let forgot = try await browser.post("/forgot-password", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                           ("email", "a\u{1B}@example.test")])
            #expect(forgot.status == .badRequest)
            #expect(forgot.text.contains("the value of email \(Self.control)"))
        }
    }
}
