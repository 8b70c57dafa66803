import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Steps a person takes with two-step verification, driven through the router: enrolling an
/// authenticator app on the account page, typing codes on `/mfa`, and signing in through a
/// relying party when the MFA page (or forced enrolment) comes between login and consent.
extension TestBrowser {
    /// Enrols TOTP on the account page of the signed-in browser; returns the secret the page
    /// showed (read back from its base32 text) and the recovery codes shown once.
    func enrolTOTP(password: String, provider: TestProvider) async throws -> (secret: [UInt8], recoveryCodes: [String]) {
        let page = try await startTOTPOnAccountPage()
        let secret = try #require(page.totpSecret, "no secret on the enrolment page")
        let done = try await post("/account/mfa/totp/confirm", form: [
            ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("enrolment", page.hiddenField("enrolment") ?? ""),
            ("code", provider.totpCode(secret)), ("current_password", password)])
        #expect(done.status == .ok, "enrolment did not show recovery codes: \(done.status) \(done.text.prefix(300))")
        return (secret, done.recoveryCodes)
    }

    /// "Set up" on the account page of the signed-in browser: the enrolment page it leads to
    /// (`/account/mfa/totp?enrolment=ID`), with the new secret and the id in its form.
    func startTOTPOnAccountPage() async throws -> TestResponse {
        let started = try await accountAction("/account/mfa/totp/start", [])
        let location = try #require(started.location)
        #expect(location.hasPrefix("/account/mfa/totp?enrolment="))
        return try await get(location)
    }

    /// Types `code` on the MFA page (GET it for the CSRF token first) with the given method.
    func submitSecondFactor(_ code: String, method: String = "totp") async throws -> TestResponse {
        let page = try await get("/mfa?method=\(method)")
        return try await post("/mfa", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                             ("method", page.hiddenField("method") ?? method), ("code", code)])
    }
}

extension TestResponse {
    /// The base32 secret on a TOTP enrolment page (`#totp-secret`), decoded.
    var totpSecret: [UInt8]? {
        guard let range = text.range(of: #"<code id="totp-secret">([A-Z2-7 ]+)</code>"#, options: .regularExpression) else { return nil }
        let inner = text[range].replacingOccurrences(of: #"<code id="totp-secret">"#, with: "").replacingOccurrences(of: "</code>", with: "")
        return Base32.decode(inner)
    }

    /// The recovery codes listed on a recovery-codes page.
    var recoveryCodes: [String] {
        let pattern = #"<li><code>([a-z0-9-]+)</code></li>"#
        let regex = try? NSRegularExpression(pattern: pattern)
        let matches = regex?.matches(in: text, range: NSRange(text.startIndex..., in: text)) ?? []
        return matches.compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
    }
}

extension TestProvider {
    /// The authenticator app's current code for `secret` at this provider's clock (`stepOffset`
    /// steps away).
    func totpCode(_ secret: [UInt8], stepOffset: Int64 = 0) -> String {
        TOTP(crypto: crypto).code(secret: secret, step: TOTP.step(at: clock.now) + stepOffset)
    }

    /// Moves the clock to the start of a fresh 30-second step, past every code used so far.
    func nextTOTPStep() {
        let now = clock.now.timeIntervalSince1970
        clock.advance(by: 30 - now.truncatingRemainder(dividingBy: 30) + 0.5)
    }

    /// A user with an authenticator enrolled (through the account page of a browser of its own).
    func makeUserWithTOTP(_ client: any TestClientProtocol) async throws -> (user: RegisteredUser, secret: [UInt8], recoveryCodes: [String]) {
        let user = try await makeUser()
        let browser = TestBrowser(client)
        _ = try await browser.signInDirectly(user.email, user.password)
        let (secret, codes) = try await browser.enrolTOTP(password: user.password, provider: self)
        nextTOTPStep()
        return (user, secret, codes)
    }

    /// Makes the client require MFA (`gatehouse client update --require-mfa`).
    func requireMFA(for client: RegisteredClient) async throws {
        var changed = client.client
        changed.requireMFA = true
        _ = try await dependencies.clients.update(changed)
    }
}

extension TestRelyingParty {
    /// Like `signIn`, answering the MFA page with `secondFactor()` (a method and a code) and
    /// forced enrolment with a code for the secret the page shows (returned with the recovery
    /// codes it showed). Returns the authorization response's parameters.
    func signInWithSecondFactor(_ user: TestProvider.RegisteredUser, _ request: Request = Request(),
                                secondFactor: () throws -> (method: String, code: String) = { ("totp", "000000") })
        async throws -> (response: [String: String], enrolledSecret: [UInt8]?, recoveryCodes: [String]) {
        var response = try await browser.get(authorizeURL(request))
        var enrolled: [UInt8]?
        var codes: [String] = []
        for _ in 0..<8 {
            #expect(response.status == .seeOther, "unexpected \(response.status): \(response.text.prefix(300))")
            guard let location = response.location else { throw FlowError(message: "no Location") }
            if location.hasPrefix(client.redirectURI) { return (queryItems(location), enrolled, codes) }
            let page = try await browser.get(location)
            let csrf = page.hiddenField("csrf_token") ?? ""
            if location.hasPrefix("/login") {
                response = try await browser.post("/login", form: [("csrf_token", csrf), ("request", page.hiddenField("request") ?? ""),
                                                                    ("email", user.email), ("password", user.password)])
            } else if location.hasPrefix("/mfa/enrol") {
                let secret = try #require(page.totpSecret)
                enrolled = secret
                let shown = try await browser.post("/mfa/enrol", form: [("csrf_token", csrf), ("code", provider.totpCode(secret))])
                codes = shown.recoveryCodes
                response = try await browser.post("/mfa/continue", form: [("csrf_token", shown.hiddenField("csrf_token") ?? csrf)])
            } else if location.hasPrefix("/mfa") {
                let (method, code) = try secondFactor()
                response = try await browser.post("/mfa", form: [("csrf_token", csrf), ("method", method), ("code", code)])
            } else if location.hasPrefix("/consent") {
                response = try await browser.post("/consent", form: [("csrf_token", csrf), ("request", page.hiddenField("request") ?? ""),
                                                                      ("decision", "approve")])
            } else {
                throw FlowError(message: "unexpected redirect to \(location)")
            }
        }
        throw FlowError(message: "too many redirects")
    }

    /// Redeems the code and returns the ID token's claims, checked against the JWKS.
    func idTokenClaims(code: String, verifier: String) async throws -> [String: Any] {
        let tokens = try await redeem(code: code, verifier: verifier).json()
        return try await verifyWithJWKS(try #require(tokens["id_token"] as? String), browser: browser).claims
    }
}

extension TestProvider {
    /// The user's confirmed factors, read from the store.
    func factors(of userID: UUID) async throws -> [MFACredential.Kind] {
        let kinds = Set(try await dependencies.mfa.credentials.credentials(userID: userID).filter(\.isConfirmed).map(\.kind))
        return MFACredential.Kind.allCases.filter(kinds.contains)
    }

    var recoveryCodeService: RecoveryCodes {
        RecoveryCodes(store: dependencies.mfa.recoveryCodes, crypto: crypto, settings: dependencies.mfa.settings, clock: clock)
    }

    /// The live session behind a `gh_session` cookie value.
    func session(cookie: String?) async throws -> BrowserSession? {
        try await BrowserSessions(store: dependencies.sessions, crypto: crypto, settings: dependencies.settings, clock: clock)
            .find(cookie: cookie)
    }
}

extension TestProvider {
    /// The audit event types recorded for `userID`, oldest first.
    func auditTypes(of userID: UUID) async throws -> [String] {
        try await TestServices.postgres().query("SELECT type FROM audit_events WHERE subject = $1 ORDER BY id", [.uuid(userID)])
            .rows.map { try $0.string("type") }
    }
}
