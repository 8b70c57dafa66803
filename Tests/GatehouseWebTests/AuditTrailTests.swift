import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// The flows write their security events to the real audit trail (the shared test database's
/// chain, which `./dev test` verifies with `gatehouse audit verify` at the end).
@Suite("Audit trail: the flows record their security events")
struct AuditTrailTests {
    func events(_ provider: TestProvider, subject: UUID? = nil, clientID: String? = nil) async throws -> [AuditEvent] {
        try await provider.audit.newest(limit: 100, subject: subject, clientID: clientID).map(\.revealedEvent)
    }

    @Test("a failed and a successful sign-in through the router are recorded with the user agent")
    func signIn() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let agent = "AuditTest/1.0 (\(provider.crypto.randomToken(byteCount: 6)))"
            let page = try await browser.get("/login")
            _ = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", user.email.uppercased()),
                                                       ("password", "wrong password")], headers: [.userAgent: agent])
            _ = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", user.email),
                                                       ("password", user.password)], headers: [.userAgent: agent])

            let recent = try await provider.audit.newest(limit: 500).map(\.revealedEvent)
            let failure = try #require(recent.first { $0.type == .signInFailed && $0.details["email"] == user.email })
            #expect(failure.subject == user.user.id, "the account the attempt was against")
            #expect(failure.details == ["email": user.email, "reason": "invalid_credentials"], "the normalised email")
            #expect(failure.userAgent == agent)
            let success = try #require(try await events(provider, subject: user.user.id).first { $0.type == .signInSucceeded })
            #expect(success.actor == AuditEvent.user(user.user.id))
            #expect(success.userAgent == agent)
            #expect(success.details["amr"] == "pwd")
            #expect(success.details["session_id"] != nil)
        }
    }

    @Test("a failed sign-in with an email no account has records no email: the text may be a mistyped password")
    func unknownEmailNotRecorded() async throws {
        try await withProvider { provider, browser in
            let agent = "AuditTest/1.0 (\(provider.crypto.randomToken(byteCount: 6)))"
            let typed = "Correct-Horse-\(provider.crypto.randomToken(byteCount: 6))"
            let page = try await browser.get("/login")
            _ = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", typed),
                                                       ("password", "x")], headers: [.userAgent: agent])
            let failure = try #require(try await provider.audit.newest(limit: 500).map(\.revealedEvent)
                .first { $0.type == .signInFailed && $0.userAgent == agent })
            #expect(failure.details == ["reason": "invalid_credentials"])
            #expect(failure.subject == nil)
            #expect(failure.actor == "anonymous")
        }
    }

    @Test("the user agent is kept to 512 bytes of UTF-8, however it is composed", arguments: [
        "Agent/1.0 " + String(repeating: "é", count: 400),
        "a" + String(repeating: "\u{301}", count: 1000),
    ])
    func userAgentCapped(tail: String) async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let agent = provider.crypto.randomToken(byteCount: 6) + " " + tail
            let page = try await browser.get("/login")
            _ = try await browser.post("/login", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""), ("email", user.email),
                                                       ("password", user.password)], headers: [.userAgent: agent])
            let success = try #require(try await events(provider, subject: user.user.id).first { $0.type == .signInSucceeded })
            let stored = try #require(success.userAgent)
            #expect(stored.utf8.count <= 512 && stored.utf8.count >= 510, "\(stored.utf8.count) bytes")
            #expect(agent.unicodeScalars.starts(with: stored.unicodeScalars), "a prefix, cut between scalars")
            let session = try #require(try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now).first)
            #expect(session.userAgent == stored, "the session keeps the same capped value")
        }
    }

    @Test("consent, password change, session revocation, app revocation, logout and sign out everywhere are recorded")
    func accountEvents() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            _ = try await rp.signIn(user)
            let laptop = TestBrowser(browser.client)
            _ = try await laptop.signInDirectly(user.email, user.password)
            // Most recently seen first: the laptop signed in last.
            let laptopSession = try #require(try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now).first)
            _ = try await browser.accountAction("/account/sessions/revoke", [("session", laptopSession.id.uuidString.lowercased())])
            _ = try await browser.accountAction("/account/password", [("current_password", user.password), ("password", strongPassword),
                                                                      ("confirm", strongPassword)])
            _ = try await browser.accountAction("/account/apps/revoke", [("client", client.id)])
            _ = try await browser.accountAction("/account/sessions/revoke-all", [])
            _ = try await browser.signInDirectly(user.email, strongPassword)
            let logout = try await browser.get("/logout")
            _ = try await browser.post("/logout", form: [("csrf_token", logout.hiddenField("csrf_token") ?? ""), ("confirm", "yes")])

            let recorded = try await events(provider, subject: user.user.id)
            let types = Set(recorded.map(\.type))
            for expected: AuditEventType in [.signInSucceeded, .consentGranted, .sessionRevoked, .passwordChanged, .consentRevoked,
                                             .signedOutEverywhere, .signedOut] {
                #expect(types.contains(expected), "\(expected) missing from \(recorded.map(\.type))")
            }
            let consent = try #require(recorded.first { $0.type == .consentGranted })
            #expect(consent.clientID == client.id)
            #expect(consent.details["scope"] == "openid profile email offline_access")
            #expect(recorded.allSatisfy { $0.actor == AuditEvent.user(user.user.id) })
        }
    }

    @Test("a reused code and a reused refresh token are recorded as token reuse (RFC 6749 §4.1.2, RFC 9700 §4.14.2)")
    func tokenReuse() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            #expect(try await rp.redeem(code: code, verifier: request.verifier).status == .ok)
            #expect(try await rp.redeem(code: code, verifier: request.verifier).status == .badRequest)

            let second = TestRelyingParty.Request()
            let secondCode = try #require(try await rp.signIn(user, second)["code"])
            let other = try await rp.redeem(code: secondCode, verifier: second.verifier).json().string("refresh_token")
            _ = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", other)])
            _ = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", other)])

            let reuses = try await events(provider, clientID: client.id).filter { $0.type == .tokenReuseDetected }
            #expect(reuses.contains { $0.details["token_type"] == "authorization_code" && $0.actor == AuditEvent.client(client.id) })
            let refreshReuse = try #require(reuses.first { $0.details["token_type"] == "refresh_token" })
            #expect(refreshReuse.subject == user.user.id)
            #expect(refreshReuse.details["revoked_family_id"] != nil)
        }
    }

    @Test("a lockout is recorded once, naming the account and the client's address")
    func lockout() async throws {
        try await withProtectedProvider(protection: .behindProxy()) { provider, browser in
            let user = try await provider.makeUser()
            for _ in 1...6 { _ = try await browser.signIn(user.email, "wrong password!", from: "198.51.100.7") }
            let locks = try await events(provider, subject: user.user.id).filter { $0.type == .accountLocked }
            #expect(locks.count == 1)
            #expect(locks.first?.ip == "198.51.100.7")
            #expect(locks.first?.details["factor"] == "password")
            #expect(locks.first?.details["email"] == user.email)
            let failures = try await provider.audit.newest(limit: 500).map(\.revealedEvent)
                .filter { $0.type == .signInFailed && $0.details["email"] == user.email }
            #expect(!failures.isEmpty && failures.allSatisfy { $0.ip == "198.51.100.7" }, "the resolved client address, not the proxy's")
        }
    }

    @Test("revocation is recorded; the whole chain still verifies with the test key")
    func revocationAndChain() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let tokens = try await rp.tokens(for: user)
            _ = try await rp.revoke(try tokens.string("refresh_token"))
            let revoked = try #require(try await events(provider, subject: user.user.id).first { $0.type == .tokenRevoked })
            #expect(revoked.details["token_type"] == "refresh_token")
            #expect(revoked.clientID == rp.client.id)
            let verified = try await provider.audit.verify()
            #expect(verified.count > 0)
        }
    }
}
