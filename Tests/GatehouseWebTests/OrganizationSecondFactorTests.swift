import Foundation
import GatehouseCore
@testable import GatehouseWeb
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Issue 10 item 3: an organization's second-factor policy applies to sign-ins to it exactly as a
/// `--require-mfa` client's does: a member without an allowed factor enrols one at their next
/// sign-in to that organization, and only the methods the policy allows count.
@Suite("Second-factor policy per organization")
struct OrganizationSecondFactorTests {
    @Test("required (authenticator app): a member without a factor enrols one at sign-in to that organization; optional asks nothing")
    func requiredEnrols() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let strict = try await provider.makeOrganization("Strict", secondFactor: .required([.authenticatorApp]))
            let relaxed = try await provider.makeOrganization("Relaxed", secondFactor: .optional)
            let member = try await provider.makeUser(), other = try await provider.makeUser()
            try await provider.addMember(member.user.id, to: strict)
            try await provider.addMember(other.user.id, to: relaxed)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            let request = TestRelyingParty.Request.organization(strict.slug)
            let (items, enrolled, codes) = try await rp.signInWithSecondFactor(member, request)
            #expect(enrolled != nil, "the enrolment page was shown")
            #expect(codes.count == 10)
            #expect(try await provider.factors(of: member.user.id) == [.totp])
            let (_, idToken, _) = try await rp.redeemedClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(idToken["acr"] as? String == "mfa")
            #expect(idToken["org_id"] as? String == strict.id.uuidString.lowercased())

            browser.forgetCookies()
            let relaxedRequest = TestRelyingParty.Request.organization(relaxed.slug)
            let (relaxedItems, relaxedEnrolled, _) = try await rp.signInWithSecondFactor(other, relaxedRequest)
            #expect(relaxedEnrolled == nil)
            #expect(try await provider.factors(of: other.user.id).isEmpty)
            let (_, relaxedID, _) = try await rp.redeemedClaims(code: try #require(relaxedItems["code"]), verifier: relaxedRequest.verifier)
            #expect(relaxedID["acr"] as? String == "pwd")
        }
    }

    @Test("a policy turned to required after sign-in: the live session is interaction_required with prompt=none, else signs in again and enrols")
    func policyTightenedAfterSignIn() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let acme = try await provider.makeOrganization("Acme", secondFactor: .optional)
            let user = try await provider.makeUser()
            try await provider.addMember(user.user.id, to: acme)
            _ = try await browser.signInDirectly(user.email, user.password)
            var strict = acme
            strict.secondFactor = .required([.authenticatorApp])
            _ = try await provider.dependencies.organizations.organizations.update(strict)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            var silent = TestRelyingParty.Request.organization(acme.slug)
            silent.extra.append(("prompt", "none"))
            let silentAnswer = try await browser.get(rp.authorizeURL(silent))
            let items = queryItems(try #require(silentAnswer.location))
            #expect(items["error"] == "interaction_required")
            #expect(items["error_description"] == "the request needs a second factor")

            let request = TestRelyingParty.Request.organization(acme.slug)
            let (answer, enrolled, _) = try await rp.signInWithSecondFactor(user, request)
            #expect(enrolled != nil, "signed in again, then enrolled")
            #expect(try await provider.factors(of: user.user.id) == [.totp])
            let (_, idToken, _) = try await rp.redeemedClaims(code: try #require(answer["code"]), verifier: request.verifier)
            #expect(idToken["acr"] as? String == "mfa")
        }
    }

    @Test("emailed codes only: a member holding only an authenticator proves it, then sets up emailed codes before the code is issued")
    func disallowedFactorProvenThenAllowedEnrolled() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let mailOnly = try await provider.makeOrganization("Mail Only", secondFactor: .required([.emailedCode]))
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            try await provider.addMember(user.user.id, to: mailOnly)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(mailOnly.slug)

            let login = try await browser.get(try #require(try await browser.get(rp.authorizeURL(request)).location))
            let afterPassword = try await browser.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            #expect(afterPassword.location == "/mfa", "the factor held is proven first: a password alone adds none")
            let enrolBefore = try await browser.get("/mfa/enrol/email")
            #expect(enrolBefore.location == "/mfa", "no emailed codes set up before the authenticator is proven")

            let proven = try await browser.submitSecondFactor(provider.totpCode(secret))
            #expect(proven.location == "/mfa/enrol/email", "then the allowed method is set up")
            #expect(browser.cookies["gh_session"] == nil, "no session yet")
            let sent = try await browser.get("/mfa/enrol/email")
            #expect(sent.location == "/mfa/enrol/email?done=sent")
            let page = try await browser.get("/mfa/enrol/email?done=sent")
            #expect(page.status == .ok)
            #expect(!page.text.contains("Use an authenticator app instead"), "the policy allows emailed codes only")
            let confirmed = try await browser.post("/mfa/enrol/email/confirm", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("code", try await provider.code(sentTo: user.email))])
            #expect(confirmed.status == .ok && confirmed.recoveryCodes.count == 10)
            #expect(try await provider.factors(of: user.user.id) == [.totp, .email])
            let continued = try await browser.post("/mfa/continue", form: [("csrf_token", confirmed.hiddenField("csrf_token") ?? "")])
            let consent = try await browser.get(try #require(continued.location))
            let answer = try await browser.post("/consent", form: [("csrf_token", consent.hiddenField("csrf_token") ?? ""),
                                                                   ("request", consent.hiddenField("request") ?? ""),
                                                                   ("decision", "approve")])
            let redirect = try #require(answer.location)
            let (_, idToken, _) = try await rp.redeemedClaims(code: try #require(queryItems(redirect)["code"]), verifier: request.verifier)
            #expect(idToken["acr"] as? String == "mfa")
        }
    }

    @Test("emailed codes only: /mfa offers and accepts only the emailed code, not the authenticator the member also holds")
    func onlyAllowedMethodAccepted() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let mailOnly = try await provider.makeOrganization("Mail Only", secondFactor: .required([.emailedCode]))
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let setup = TestBrowser(browser.client)
            _ = try await setup.signInDirectly(user.email, user.password)
            _ = try await setup.submitSecondFactor(provider.totpCode(secret))
            _ = try await setup.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            #expect(try await provider.factors(of: user.user.id) == [.totp, .email])
            try await provider.addMember(user.user.id, to: mailOnly)
            provider.nextTOTPStep()

            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(mailOnly.slug)
            let login = try await browser.get(try #require(try await browser.get(rp.authorizeURL(request)).location))
            let afterPassword = try await browser.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", user.email), ("password", user.password)])
            #expect(afterPassword.location == "/mfa?method=email", "the only allowed factor, its code sent at once")
            let page = try await browser.get("/mfa?method=totp")
            #expect(!page.text.contains("/mfa?method=totp"), "no link to the authenticator")
            let refused = try await browser.post("/mfa", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                ("method", "totp"), ("code", provider.totpCode(secret))])
            #expect(refused.status == .seeOther && refused.location == "/mfa")
            #expect(browser.cookies["gh_session"] == nil)
            let accepted = try await browser.submitSecondFactor(try await provider.code(sentTo: user.email), method: "email")
            #expect(accepted.status == .seeOther)
            #expect(browser.cookies["gh_session"] != nil)
        }
    }

    @Test("a live session that proved an authenticator steps up with an emailed code for an organization that allows emailed codes only")
    func liveSessionOfAnotherMethodStepsUp() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let mailOnly = try await provider.makeOrganization("Mail Only", secondFactor: .required([.emailedCode]))
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/mfa")
            _ = try await browser.submitSecondFactor(provider.totpCode(secret))
            let first = try #require(try await provider.session(cookie: browser.cookies["gh_session"]))
            #expect(first.secondFactor == .authenticatorApp)
            _ = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            try await provider.addMember(user.user.id, to: mailOnly)
            let live = try #require(try await provider.session(cookie: browser.cookies["gh_session"]))

            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(mailOnly.slug)
            let stepUp = try await browser.get(rp.authorizeURL(request))
            #expect(stepUp.location == "/mfa?method=email", "the allowed method, its code sent at once")
            let proven = try await browser.submitSecondFactor(try await provider.code(sentTo: user.email), method: "email")
            let next = try #require(proven.location)
            let stepped = try #require(try await provider.session(cookie: browser.cookies["gh_session"]))
            #expect(stepped.id != live.id, "a new session")
            #expect(stepped.secondFactor == .emailedCode)
            let consent = try await browser.get(next)
            let answer = try await browser.post("/consent", form: [("csrf_token", consent.hiddenField("csrf_token") ?? ""),
                                                                   ("request", consent.hiddenField("request") ?? ""),
                                                                   ("decision", "approve")])
            #expect(queryItems(try #require(answer.location))["code"] != nil)
        }
    }
}
