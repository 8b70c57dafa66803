import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// Anonymous `/authorize` cannot fill Redis: every stored parameter is capped in size, one
/// address keeps a bounded number of pending requests, and all of them together are capped.
@Suite("Pending authorization requests: capped and budgeted")
struct PendingAuthorizationLimitTests {
    @Test("a stored parameter one byte over its cap is refused with 400 invalid_request before anything is stored; at the cap it is kept",
          arguments: [("state", 2048), ("nonce", 512), ("login_hint", 512), ("acr_values", 512), ("ui_locales", 256), ("scope", 2048)])
    func parameterCaps(name: String, cap: Int) async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let party = TestRelyingParty(provider: provider, client: client, browser: browser)
            func authorize(_ value: String) async throws -> TestResponse {
                var request = TestRelyingParty.Request()
                switch name {
                case "scope": request.scope = value
                case "state": request.state = value
                case "nonce": request.nonce = value
                default: request.extra = [(name, value)]
                }
                return try await browser.get(party.authorizeURL(request))
            }
            let filler = name == "scope" ? "openid" + String(repeating: " openid", count: 300) : String(repeating: "a", count: cap)
            let atCap = String(filler.prefix(cap))
            let kept = try await authorize(atCap)
            #expect(kept.status == .seeOther)
            #expect(kept.location?.hasPrefix("/login?request=") == true)

            let refused = try await authorize(atCap + "b")
            #expect(refused.status == .badRequest)
            #expect(refused.location == nil, "an oversized value is not echoed back to the client")
            #expect(refused.text.contains("The application sent a sign-in request with a value that is too long (\(name) is over \(cap) bytes), so it was refused (invalid_request)."))
        }
    }

    /// A request with a 1500-byte `state` takes about 2.45 KB of a budget (its JSON, about 1.85 KB,
    /// and the store's 600 bytes of bookkeeping): budgets below are in units of it, with room
    /// either way (each must take between 2.2 and 2.64 KB).
    static let unit = 2400
    static var longState: String { String(repeating: "s", count: 1500) }

    @Test("one address keeps at most its budget of pending requests (429); others are apart; past the total, 503; finished or expired ones free their place")
    func budget() async throws {
        let protection = TestProtection.behindProxy {
            $0.pendingAuthorizationBytesPerAddress = Self.unit * 7 / 2   // three of them
            $0.pendingAuthorizationBytesTotal = Self.unit * 11 / 2       // five
        }
        try await withProtectedProvider(protection: protection) { provider, browser in
            let client = try await provider.makeClient()
            let party = TestRelyingParty(provider: provider, client: client, browser: browser)
            func authorize(from address: String) async throws -> TestResponse {
                var request = TestRelyingParty.Request()
                request.state = Self.longState
                return try await browser.get(party.authorizeURL(request), headers: [.xForwardedFor: address])
            }
            var kept: [String] = []
            for _ in 0..<3 {
                let response = try await authorize(from: "203.0.113.120")
                #expect(response.status == .seeOther)
                kept.append(try #require(response.location.flatMap { queryItems($0)["request"] }))
            }
            let refused = try await authorize(from: "203.0.113.120")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1800", "when the oldest of the address's requests expires")
            #expect(refused.text.contains("Too many unfinished sign-ins"))
            #expect(refused.text.contains("Too many sign-ins were started from your network and not finished."))

            #expect(try await authorize(from: "203.0.113.121").status == .seeOther)
            #expect(try await authorize(from: "203.0.113.122").status == .seeOther)
            let full = try await authorize(from: "203.0.113.123")
            #expect(full.status == .serviceUnavailable, "five kept in all")
            #expect(full.headers[.retryAfter] == "60")
            #expect(full.text.contains("Too many sign-ins are in progress right now."))

            // Finishing one of the first address's sign-ins deletes its request: its place is free again.
            let user = try await provider.makeUser()
            let headers: HTTPFields = [.xForwardedFor: "203.0.113.120"]
            let login = try await browser.get("/login?request=\(kept[0])", headers: headers)
            let consent = try await browser.post("/login", form: [("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", kept[0]),
                                                                  ("email", user.email), ("password", user.password)], headers: headers)
            let consentPage = try await browser.get(try #require(consent.location), headers: headers)
            let done = try await browser.post("/consent", form: [("csrf_token", consentPage.hiddenField("csrf_token") ?? ""),
                                                                 ("request", kept[0]), ("decision", "approve")], headers: headers)
            #expect(done.location?.hasPrefix(client.redirectURI) == true)
            browser.forgetCookies()
            #expect(try await authorize(from: "203.0.113.120").status == .seeOther, "the finished request no longer counts")

            provider.clock.advance(by: 1800)
            for _ in 0..<3 { #expect(try await authorize(from: "203.0.113.123").status == .seeOther, "expired requests left the budget") }
        }
    }

    @Test("a trusted network is not counted per address, but still counts toward the total")
    func exemptNetwork() async throws {
        var protection = TestProtection.behindProxy {
            $0.pendingAuthorizationBytesPerAddress = 1
            $0.pendingAuthorizationBytesTotal = Self.unit * 9 / 2   // four
        }
        protection.clientAddresses.exemptNetworks = [try #require(IPNetwork("198.51.100.0/24"))]
        try await withProtectedProvider(protection: protection) { provider, browser in
            let client = try await provider.makeClient()
            let party = TestRelyingParty(provider: provider, client: client, browser: browser)
            var request = TestRelyingParty.Request()
            request.state = Self.longState
            for _ in 0..<4 {
                #expect(try await browser.get(party.authorizeURL(request), headers: [.xForwardedFor: "198.51.100.20"]).status == .seeOther)
            }
            #expect(try await browser.get(party.authorizeURL(request), headers: [.xForwardedFor: "198.51.100.20"]).status == .serviceUnavailable)
        }
    }
}
