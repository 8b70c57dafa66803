import Foundation
import GatehouseCore
import GatehouseWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A browser's cookies, by the name they were set under. Looked up by the name the server's code
/// uses: on an https issuer `cookies["gh_session"]` finds `__Host-gh_session`.
struct CookieJar {
    static let hostPrefix = "__Host-"
    /// By name on the wire.
    fileprivate(set) var values: [String: String] = [:]
    /// Names the server set with the `__Host-` prefix (remembered after they expire, so a test can
    /// put one back under the same name).
    fileprivate var hostPrefixed: Set<String> = []

    subscript(name: String) -> String? { values[Self.hostPrefix + name] ?? values[name] }
    var isEmpty: Bool { values.isEmpty }
    var header: String { values.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    /// The wire name `name` goes out under: prefixed when the server set it so.
    func wireName(_ name: String) -> String {
        hostPrefixed.contains(name) ? Self.hostPrefix + name : name
    }
}

/// A browser for router tests: keeps cookies, follows nothing by itself (tests assert every
/// redirect), and reads hidden form fields out of pages.
final class TestBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies = CookieJar()
    /// Every Set-Cookie header seen, for attribute checks.
    private(set) var setCookieHeaders: [String] = []

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    @discardableResult
    func post(_ uri: String, form: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: headers, body: FormEncoding.encode(form))
    }

    func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: String?) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers[.cookie] = cookies.header
        }
        let response = try await client.execute(uri: Self.path(of: uri), method: method, headers: headers,
                                                body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            setCookieHeaders.append(header)
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0].hasPrefix(CookieJar.hostPrefix) { cookies.hostPrefixed.insert(String(pair[0].dropFirst(CookieJar.hostPrefix.count))) }
            if header.lowercased().contains("max-age=0") { cookies.values[pair[0]] = nil } else { cookies.values[pair[0]] = pair[1] }
        }
        return response
    }

    func forgetCookies() { cookies.values = [:] }

    /// Sets (or with nil removes) a cookie by the name the server's code uses, under the wire
    /// name the server gave it (`__Host-…` on https once the server set it so).
    func setCookie(_ name: String, _ value: String?) {
        guard let value else {
            cookies.values[name] = nil
            cookies.values[CookieJar.hostPrefix + name] = nil
            return
        }
        cookies.values[cookies.wireName(name)] = value
    }

    /// Sets a cookie under exactly this wire name (say, a plain `gh_session` that a sibling
    /// subdomain planted).
    func setRawCookie(_ wireName: String, _ value: String) { cookies.values[wireName] = value }

    /// Our own absolute URLs become paths for the router.
    static func path(of uri: String) -> String {
        if uri.hasPrefix(TestProviderIssuer.value) { return String(uri.dropFirst(TestProviderIssuer.value.count)) }
        return uri
    }
}

enum TestProviderIssuer {
    static let value = "https://id.gatehouse.test"
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }

    /// The value of `<input ... name="NAME" value="VALUE">` in the page.
    func hiddenField(_ name: String) -> String? {
        let pattern = #"name="\#(name)" value="([^"]*)""#
        guard let match = text.range(of: pattern, options: .regularExpression) else { return nil }
        let found = String(text[match])
        guard let start = found.range(of: "value=\"") else { return nil }
        return String(found[start.upperBound...].dropLast()).replacingOccurrences(of: "&amp;", with: "&")
    }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }
}

/// Query parameters of a URL, for asserting redirects.
func queryItems(_ url: String) -> [String: String] {
    var items: [String: String] = [:]
    for item in URLComponents(string: url)?.queryItems ?? [] { items[item.name] = item.value }
    return items
}
