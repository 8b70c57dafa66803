import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A browser for router tests: keeps cookies, follows nothing by itself (tests assert every
/// redirect), and reads hidden form fields out of pages.
final class TestBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
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
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(uri: Self.path(of: uri), method: method, headers: headers,
                                                body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            setCookieHeaders.append(header)
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map(String.init)
            guard pair.count == 2 else { continue }
            if header.lowercased().contains("max-age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        return response
    }

    func forgetCookies() { cookies = [:] }
    func setCookie(_ name: String, _ value: String?) { cookies[name] = value }

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
