import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import HTTPTypes
import HummingbirdTesting
import Testing

/// Limits that a shared network survives (DESIGN.md): per-IP limits count failures, never
/// successes, so a school, an office or a carrier's NAT signing in correctly is never refused,
/// and a right client secret is never refused for someone else's failures; trusted networks can
/// be exempted.
@Suite("Limits that a shared network survives")
struct SharedNetworkLimitTests {
    @Test("60 people sign in correctly from one address within 5 minutes, default limits, over a real connection: no 429")
    func crowdBehindOneAddress() async throws {
        let provider = try await TestProvider()   // the production limits
        try await provider.application().test(.live) { client async throws in
            let app = try await provider.makeClient()
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<60 {
                let user = try await provider.makeUser()
                // A new person: a browser of their own, all behind the one address (127.0.0.1).
                let browser = TestBrowser(client)
                let party = TestRelyingParty(provider: provider, client: app, browser: browser)
                var request = TestRelyingParty.Request()
                request.scope = "openid"
                var response = try await browser.get(party.authorizeURL(request))
                for _ in 0..<3 {
                    guard let location = response.location, !location.hasPrefix(app.redirectURI) else { break }
                    let page = try await browser.get(location)
                    let csrf = page.hiddenField("csrf_token") ?? "", pending = page.hiddenField("request") ?? ""
                    response = location.hasPrefix("/login")
                        ? try await browser.post("/login", form: [("csrf_token", csrf), ("request", pending),
                                                                  ("email", user.email), ("password", user.password)])
                        : try await browser.post("/consent", form: [("csrf_token", csrf), ("request", pending), ("decision", "approve")])
                    statuses.append(response.status)
                }
                #expect(response.location.map { queryItems($0)["code"] != nil } == true,
                        "sign-in \(statuses.count) ended with \(response.status): \(response.text.prefix(200))")
                provider.clock.advance(by: 4)   // 60 sign-ins in 240 seconds
            }
            #expect(statuses.filter { $0 == .tooManyRequests }.isEmpty)
            #expect(statuses.count == 120, "a login and a consent each")
        }
    }

    @Test("sign-in counts failures per address: right passwords never fill it; once full, the address is refused, right or wrong")
    func loginCountsFailures() async throws {
        let protection = TestProtection.behindProxy { $0.perIP[.login] = LimitPolicy(limit: 3, window: .seconds(300)) }
        try await withProtectedProvider(protection: protection) { provider, browser in
            let user = try await provider.makeUser()
            let address = "203.0.113.80"
            for _ in 0..<10 { #expect(try await browser.signIn(user.email, user.password, from: address).status == .seeOther) }
            for _ in 0..<2 { #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: address).isWrongPassword) }
            for _ in 0..<10 { #expect(try await browser.signIn(user.email, user.password, from: address).status == .seeOther) }
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: address).isWrongPassword, "the third failure")

            // Credential stuffing succeeds with right passwords: an address out of failures is refused whatever it sends.
            let refused = try await browser.signIn(user.email, user.password, from: address)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "300")
            #expect(refused.text.contains("Too many attempts came from your network in a short time"))
            #expect(try await browser.signIn(user.email, user.password, from: "203.0.113.81").status == .seeOther, "other addresses")
            provider.clock.advance(by: 300)
            #expect(try await browser.signIn(user.email, user.password, from: address).status == .seeOther, "a new window")
        }
    }

    @Test("/mfa counts wrong codes per address, not right ones; once full, the address is refused")
    func secondFactorCountsFailures() async throws {
        var protection = TestProtection()
        protection.clientAddresses = ClientAddressResolver(peerOverride: "203.0.113.82")
        protection.settings.perIP[.secondFactor] = LimitPolicy(limit: 3, window: .seconds(300))
        try await withProtectedProvider(protection: protection) { provider, browser in
            let app = try await provider.makeClient()
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            for _ in 0..<6 {
                let party = TestRelyingParty(provider: provider, client: app, browser: TestBrowser(browser.client))
                let (response, _, _) = try await party.signInWithSecondFactor(user) { ("totp", provider.totpCode(secret)) }
                #expect(response["code"] != nil, "a right code is never counted against the address")
                provider.nextTOTPStep()
            }
            let person = TestBrowser(browser.client)
            #expect(try await person.signInDirectly(user.email, user.password).location == "/mfa")
            for _ in 0..<3 {
                let wrong = try await person.submitSecondFactor("000000")
                #expect(wrong.status != .tooManyRequests && wrong.text.contains("That code is not right."))
            }
            let refused = try await person.submitSecondFactor(provider.totpCode(secret))
            #expect(refused.status == .tooManyRequests, "the address used up its failures")
            #expect(refused.text.contains("Too many attempts came from your network in a short time"))
        }
    }

    @Test("a trusted network (GATEHOUSE_RATE_LIMIT_EXEMPT) is never refused by a per-IP limit; per-account locks still hold")
    func exemptNetwork() async throws {
        var protection = TestProtection.behindProxy { $0.perIP[.login] = LimitPolicy(limit: 1, window: .seconds(300)) }
        protection.clientAddresses.exemptNetworks = [try #require(IPNetwork("198.51.100.0/24"))]
        try await withProtectedProvider(protection: protection) { provider, browser in
            for _ in 0..<5 {
                #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "198.51.100.9").isWrongPassword)
            }
            let user = try await provider.makeUser()
            for _ in 0..<4 { _ = try await browser.signIn(user.email, "wrong password!", from: "198.51.100.9") }
            let locked = try await browser.signIn(user.email, "wrong password!", from: "198.51.100.9")
            #expect(locked.status == .tooManyRequests)
            #expect(locked.text.contains("Too many failed sign-in attempts"), "the account's own lock applies to everyone")

            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.83").isWrongPassword)
            #expect(try await browser.signIn(provider.uniqueEmail(), "wrong password!", from: "203.0.113.83").status == .tooManyRequests)
        }
    }
}

extension TestResponse {
    /// The login page shown again for a wrong password (not refused by a limit).
    var isWrongPassword: Bool {
        status != .tooManyRequests && text.contains("The email or password is not right. Check them and try again.")
    }
}
