import Foundation
import GatehouseCore
@testable import GatehouseWeb
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Issue 8, item 1: the consent page must not be a way around the second factor. A password-only
/// session that starts `/authorize` for a request needing MFA is sent to step up and the pending
/// request stays stored; answering `POST /consent` for it directly must issue nothing.
@Suite("Consent cannot skip the second factor: every code passes AuthorizationFlow's checks")
struct ConsentSecondFactorTests {
    /// Starts `/authorize` and returns the pending request's id from wherever it was sent.
    func pendingRequestID(_ browser: TestBrowser, _ rp: TestRelyingParty, _ request: TestRelyingParty.Request,
                          expecting location: String) async throws -> String {
        let response = try await browser.get(rp.authorizeURL(request))
        #expect(response.status == .seeOther)
        let sentTo = try #require(response.location)
        #expect(sentTo.hasPrefix(location + "?request="), "sent to \(sentTo)")
        return try #require(queryItems(sentTo)["request"])
    }

    /// `POST /consent` approving `requestID` with a CSRF token taken from another page of the same
    /// request (the login page: CSRF tokens are bound to the session and the request).
    func approve(_ browser: TestBrowser, requestID: String) async throws -> TestResponse {
        let anyPage = try await browser.get("/login?request=" + FormEncoding.encodeComponent(requestID))
        return try await browser.post("/consent", form: [("csrf_token", anyPage.hiddenField("csrf_token") ?? ""),
                                                         ("request", requestID), ("decision", "approve")])
    }

    func expectNothingIssued(_ provider: TestProvider, _ rp: TestRelyingParty, user: TestProvider.RegisteredUser,
                             requestID: String, answer: TestResponse) async throws {
        #expect(answer.location?.hasPrefix(rp.client.redirectURI) != true, "a code went to the client: \(answer.location ?? "")")
        #expect(answer.location.flatMap { queryItems($0)["code"] } == nil)
        let granted = try await provider.dependencies.consents.grantedScopes(userID: user.user.id, clientID: rp.client.id)
        #expect(granted.isEmpty, "no consent is recorded for a session that may not be issued a code")
        #expect(try await provider.dependencies.states.pending(id: requestID) != nil, "the request waits for the second factor")
        #expect(try await !provider.auditTypes(of: user.user.id).contains("consent_granted"))
    }

    @Test("client --require-mfa: approving on a password-only session steps up (no factor yet: sign in again) and issues nothing")
    func clientRequiresMFA() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            try await provider.requireMFA(for: client)
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/account")
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let requestID = try await pendingRequestID(browser, rp, .init(), expecting: "/login")

            let answer = try await approve(browser, requestID: requestID)
            #expect(answer.status == .seeOther)
            #expect(answer.location == "/login?request=" + FormEncoding.encodeComponent(requestID))
            try await expectNothingIssued(provider, rp, user: user, requestID: requestID, answer: answer)

            let page = try await browser.get("/consent?request=" + FormEncoding.encodeComponent(requestID))
            #expect(page.status == .seeOther, "the consent page is not shown to a session that may not get a code")
            #expect(page.location == "/login?request=" + FormEncoding.encodeComponent(requestID))
        }
    }

    @Test("acr_values=mfa: approving on a password-only session of a user with TOTP goes to /mfa and issues nothing")
    func acrValuesMFA() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            // Enrolled inside this session: the session itself proved only the password.
            _ = try await browser.enrolTOTP(password: user.password, provider: provider)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            var request = TestRelyingParty.Request()
            request.extra = [("acr_values", "mfa")]
            let first = try await browser.get(rp.authorizeURL(request))
            #expect(first.location == "/mfa")
            // The step-up keeps the pending request's id server-side; the attacker read it from
            // any earlier redirect. Here: from the pending sign-in the step-up began.
            let requestID = try #require(try await browser.pendingRequestOfMFA(provider: provider))

            let answer = try await approve(browser, requestID: requestID)
            #expect(answer.status == .seeOther)
            #expect(answer.location == "/mfa")
            try await expectNothingIssued(provider, rp, user: user, requestID: requestID, answer: answer)
        }
    }

    @Test("GATEHOUSE_MFA_REQUIRED=1: a password-only session from before the setting can neither skip nor approve")
    func deploymentRequiresMFAForOlderSessions() async throws {
        try await withProvider(configure: { $0.requireMFA = true }) { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            // A session started while the setting was off: it proved the password only.
            let (_, secret) = try await BrowserSessions(store: provider.dependencies.sessions, crypto: provider.crypto,
                                                        settings: provider.dependencies.settings, clock: provider.clock)
                .start(userID: user.user.id, amr: ["pwd"], ipAddress: nil, userAgent: nil)
            browser.setRawCookie(CookieJar.hostPrefix + "gh_session", secret)  // the test issuer is https
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let requestID = try await pendingRequestID(browser, rp, .init(), expecting: "/login")

            let answer = try await approve(browser, requestID: requestID)
            #expect(answer.location == "/login?request=" + FormEncoding.encodeComponent(requestID))
            try await expectNothingIssued(provider, rp, user: user, requestID: requestID, answer: answer)

            var silent = TestRelyingParty.Request()
            silent.extra = [("prompt", "none")]
            let none = try await browser.get(rp.authorizeURL(silent))
            #expect(queryItems(try #require(none.location))["error"] == "interaction_required")
        }
    }

    @Test("a client that starts requiring MFA while its consent page is open gets no code from a password-only session")
    func policyChangesBeforeApproval() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/account")
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let requestID = try await pendingRequestID(browser, rp, .init(), expecting: "/consent")
            let consent = try await browser.get("/consent?request=" + FormEncoding.encodeComponent(requestID))
            #expect(consent.status == .ok)
            // The decision reads the client as registered at the moment of issue, not as it was.
            try await provider.requireMFA(for: client)
            let answer = try await browser.post("/consent", form: [("csrf_token", consent.hiddenField("csrf_token") ?? ""),
                                                                   ("request", requestID), ("decision", "approve")])
            #expect(answer.location == "/login?request=" + FormEncoding.encodeComponent(requestID))
            try await expectNothingIssued(provider, rp, user: user, requestID: requestID, answer: answer)
        }
    }

    @Test("denying still answers access_denied with state, and removes the request")
    func denial() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let items = try await rp.signIn(user, request, approve: false)
            #expect(items["error"] == "access_denied")
            #expect(items["error_description"] == "the user denied the request")
            #expect(items["state"] == request.state)
            #expect(items["iss"] == TestProvider.issuer)
        }
    }
}

extension TestBrowser {
    /// The pending authorization request behind this browser's pending second-factor sign-in.
    func pendingRequestOfMFA(provider: TestProvider) async throws -> String? {
        guard let token = cookies["gh_mfa"] else { return nil }
        let challenges = SecondFactorChallenges(store: provider.dependencies.mfa.pendingSignIns, crypto: provider.crypto,
                                                settings: provider.dependencies.mfa.settings, clock: provider.clock)
        return try await challenges.find(token: token)?.pendingAuthorizationID
    }
}
