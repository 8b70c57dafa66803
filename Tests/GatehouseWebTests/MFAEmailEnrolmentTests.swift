import Foundation
import GatehouseCore
import GatehouseTestingStack
import Testing

/// Meeting a second-factor requirement at sign-in with emailed codes instead of an app.
@Suite("Enrolling emailed codes at sign-in")
struct MFAEmailEnrolmentTests {
    @Test("no app: the code mailed to the verified address turns emailed codes on, shows recovery codes, then signs in")
    func enrolByEmail() async throws {
        try await withProvider(configure: { $0.requireMFA = true }) { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/mfa/enrol")
            let enrol = try await browser.get("/mfa/enrol")
            #expect(enrol.text.contains(#"id="enrol-email-instead""#), "the email alternative is offered")
            let csrf = enrol.hiddenField("csrf_token") ?? ""

            let sent = try await browser.post("/mfa/enrol/email", form: [("csrf_token", csrf)])
            #expect(sent.location == "/mfa/enrol/email?done=sent")
            #expect(try await provider.factors(of: user.user.id).isEmpty, "nothing is turned on before the mailbox is proven")
            let page = try await browser.get("/mfa/enrol/email")
            #expect(page.text.contains(user.email) && page.text.contains(#"id="email-code""#))

            let wrong = try await browser.post("/mfa/enrol/email/confirm", form: [("csrf_token", csrf), ("code", "000000")])
            #expect(wrong.status == .badRequest && wrong.text.contains("not right"))
            #expect(try await provider.factors(of: user.user.id).isEmpty)

            let code = try await provider.code(sentTo: user.email)
            let codes = try await browser.post("/mfa/enrol/email/confirm", form: [("csrf_token", csrf), ("code", code)])
            #expect(codes.recoveryCodes.count == 10)
            #expect(try await provider.factors(of: user.user.id) == [.email])
            #expect(browser.cookies["gh_session"] == nil, "no session until the person continues")
            let done = try await browser.post("/mfa/continue", form: [("csrf_token", codes.hiddenField("csrf_token") ?? "")])
            #expect(done.location == "/account")
            let session = try #require(try await provider.session(cookie: browser.cookies["gh_session"]))
            #expect(session.amr == ["pwd", "otp", "mfa"])
        }
    }

    @Test("an unverified address or a server without mail gets no email alternative, and its routes send back to the app")
    func notOffered() async throws {
        try await withProvider(configure: { $0.requireMFA = true }, mailEnabled: false) { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.signInDirectly(user.email, user.password).location == "/mfa/enrol")
            let enrol = try await browser.get("/mfa/enrol")
            #expect(!enrol.text.contains("enrol-email-instead"))
            let refused = try await browser.post("/mfa/enrol/email", form: [("csrf_token", enrol.hiddenField("csrf_token") ?? "")])
            #expect(refused.location == "/mfa/enrol")
        }
    }

    @Test("the enrolment routes refuse a missing CSRF token and a browser with no sign-in waiting")
    func guarded() async throws {
        try await withProvider(configure: { $0.requireMFA = true }) { provider, browser in
            let stranger = try await browser.get("/mfa/enrol/email")
            #expect(stranger.status == .badRequest, "no sign-in is waiting for a second factor")
            #expect(stranger.text.contains("This sign-in took too long or was already finished. Sign in again to continue."))
            #expect(!stranger.text.contains(#"id="email-code""#))
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let noToken = try await browser.post("/mfa/enrol/email", form: [])
            #expect(noToken.status == .forbidden)
            #expect(noToken.text.contains("This form has expired"))
            #expect(try await provider.lastMail(to: user.email) == nil, "no mail without a valid form")
        }
    }
}
