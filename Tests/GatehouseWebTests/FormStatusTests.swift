import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// One convention for every page (`PageResponder.form`, README "Pages and status codes"): a form
/// shown again because its submission was refused answers 400 with the error on the page; a
/// form shown first answers 200.
@Suite("A refused form comes back with 400 on every page; a form shown first with 200")
struct FormStatusTests {
    @Test("login: a wrong password shows the form again with 400")
    func login() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            #expect(try await browser.get("/login").status == .ok)
            let wrong = try await browser.signInDirectly(user.email, "not the password")
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains(#"<p class="alert" role="alert">The email or password is not right. Check them and try again.</p>"#))
            #expect(wrong.text.contains(#"value="\#(user.email)""#), "the email stays filled in")
        }
    }

    @Test("registration: fields that break the rules show the form again with 400")
    func registration() async throws {
        try await withProvider { _, browser in
            #expect(try await browser.get("/register").status == .ok)
            let refused = try await browser.register(email: "not-an-address", password: "short")
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("<li>Enter your email address, like name@example.com.</li>"))
        }
    }

    @Test("email verification: a wrong code shows the form again with 400")
    func verification() async throws {
        try await withProvider { provider, browser in
            let email = provider.uniqueEmail()
            let registered = try await browser.register(email: email, password: strongPassword)
            #expect(try await browser.get(try #require(registered.location)).status == .ok)
            let code = try await provider.code(sentTo: email)
            let wrong = try await browser.enterCode(code == "000000" ? "111111" : "000000", after: registered)
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains(#"role="alert""#))
        }
    }

    @Test("forgot password: an address that cannot be one shows the form again with 400 and says why")
    func forgotPassword() async throws {
        try await withProvider { provider, browser in
            let page = try await browser.get("/forgot-password")
            #expect(page.status == .ok)
            let refused = try await browser.post("/forgot-password", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                            ("email", "not-an-address")])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains(#"<p class="alert" role="alert">Enter the email address of your account, like name@example.com.</p>"#))
            #expect(refused.text.contains(#"id="send-link""#), "the form is there again")
            let sent = try await browser.post("/forgot-password", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                                         ("email", provider.uniqueEmail())])
            #expect(sent.status == .ok)
            #expect(sent.text.contains("If an account exists for"))
        }
    }

    @Test("reset password: a new password that breaks the policy shows the form again with 400")
    func resetPassword() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let forgot = try await browser.get("/forgot-password")
            _ = try await browser.post("/forgot-password", form: [("csrf_token", forgot.hiddenField("csrf_token") ?? ""), ("email", user.email)])
            let page = try await browser.get(try await provider.link(sentTo: user.email, prefix: "/reset-password?"))
            #expect(page.status == .ok)
            let refused = try await browser.post("/reset-password", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("token", page.hiddenField("token") ?? ""),
                ("password", "short"), ("confirm", "short")])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("Please fix the following"))
        }
    }

    @Test("MFA and MFA enrolment at sign-in: a wrong code shows the form again with 400")
    func secondFactor() async throws {
        try await withProvider { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            _ = try await browser.signInDirectly(user.email, user.password)
            #expect(try await browser.get("/mfa").status == .ok)
            let wrong = try await browser.submitSecondFactor(provider.totpCode(secret, stepOffset: 7))
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains("That code is not right. Check it and try again."))

            let client = try await provider.makeClient()
            try await provider.requireMFA(for: client)
            let newcomer = try await provider.makeUser()
            let enrolling = TestBrowser(browser.client)
            let rp = TestRelyingParty(provider: provider, client: client, browser: enrolling)
            let login = try await enrolling.get(try #require(try await enrolling.get(rp.authorizeURL(.init())).location))
            let afterPassword = try await enrolling.post("/login", form: [
                ("csrf_token", login.hiddenField("csrf_token") ?? ""), ("request", login.hiddenField("request") ?? ""),
                ("email", newcomer.email), ("password", newcomer.password)])
            #expect(afterPassword.location == "/mfa/enrol")
            let enrol = try await enrolling.get("/mfa/enrol")
            #expect(enrol.status == .ok)
            let enrolSecret = try #require(enrol.totpSecret)
            let refused = try await enrolling.post("/mfa/enrol", form: [("csrf_token", enrol.hiddenField("csrf_token") ?? ""),
                                                                        ("code", provider.totpCode(enrolSecret, stepOffset: 7))])
            #expect(refused.status == .badRequest)
            #expect(refused.totpSecret == enrolSecret, "the same enrolment form again")
        }
    }

    @Test("account page: a refused profile, email or password change shows the page again with 400")
    func account() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            #expect(try await browser.get("/account").status == .ok)
            let picture = try await browser.accountAction("/account/profile", [("picture", "http://insecure.example/a.png")])
            #expect(picture.status == .badRequest)
            #expect(picture.text.contains("The picture must be an https:// address of an image."))
            let email = try await browser.accountAction("/account/email", [("email", provider.uniqueEmail()), ("current_password", "nope")])
            #expect(email.status == .badRequest)
            #expect(email.text.contains("Your current password is not right."))
            let password = try await browser.accountAction("/account/password", [
                ("current_password", "nope"), ("password", strongPassword), ("confirm", strongPassword)])
            #expect(password.status == .badRequest)
            #expect(password.text.contains("Your current password is not right."))
        }
    }
}
