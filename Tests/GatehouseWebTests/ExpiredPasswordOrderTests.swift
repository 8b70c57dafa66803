import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// The forced change of an expired password comes after every other step of the sign-in
/// (`SignInSteps`), and proves nothing about the mailbox.
@Suite("Maximum password age: the change comes last")
struct ExpiredPasswordOrderTests {
    static var ninetyDays: PasswordPolicySettings {
        var policy = PasswordPolicySettings()
        policy.maximumAgeDays = 90
        return policy
    }

    func markUnverified(_ user: TestProvider.RegisteredUser) async throws {
        _ = try await TestServices.postgres().query("UPDATE users SET email_verified = false WHERE id = $1", [.uuid(user.user.id)])
    }

    func changePassword(_ browser: TestBrowser, at location: String, to password: String) async throws -> TestResponse {
        let page = try await browser.get(location)
        #expect(page.text.contains("Your password is too old to keep using."))
        return try await browser.post("/reset-password", form: [("csrf_token", page.hiddenField("csrf_token") ?? ""),
                                                               ("token", page.hiddenField("token") ?? ""), ("password", password),
                                                               ("confirm", password)])
    }

    @Test("an unverified account with an authenticator and an expired password: the email code, then the second factor, then the change")
    func verificationAndSecondFactorFirst() async throws {
        try await withProvider(policy: Self.ninetyDays) { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            try await markUnverified(user)
            provider.clock.advance(by: 91 * 86_400)

            let person = TestBrowser(browser.client)
            let afterPassword = try await person.signInDirectly(user.email, user.password)
            let first = try #require(afterPassword.location)
            #expect(first.hasPrefix("/verify-email?ticket="), "the password must not lead straight to a reset token: \(first)")
            let verified = try await person.enterCode(try await provider.code(sentTo: user.email), after: afterPassword)
            #expect(verified.location == "/mfa", "the second factor comes next")
            #expect(person.cookies["gh_session"] == nil)

            let wrong = try await person.submitSecondFactor(provider.totpCode(secret, stepOffset: 5))
            #expect(wrong.status == .badRequest, "no change of password without the second factor")
            provider.nextTOTPStep()
            let proven = try await person.submitSecondFactor(provider.totpCode(secret))
            let change = try #require(proven.location)
            #expect(change.hasPrefix("/reset-password?token=") && change.hasSuffix("&expired=1"))
            #expect(person.cookies["gh_session"] == nil, "no session until the password is changed")
            let done = try await changePassword(person, at: change, to: "violet harbor lantern 77")
            #expect(done.text.contains("Password changed"))
            #expect(try await TestBrowser(browser.client).signInDirectly(user.email, "violet harbor lantern 77").location == "/mfa")
        }
    }

    @Test("the forced change does not verify the email (it never went through the mailbox); a mailed reset link does")
    func forcedChangeProvesNoMailbox() async throws {
        try await withProvider(accounts: { $0.requireVerifiedEmail = false }, policy: Self.ninetyDays) { provider, browser in
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            try await markUnverified(user)
            provider.clock.advance(by: 91 * 86_400)

            let person = TestBrowser(browser.client)
            let afterPassword = try await person.signInDirectly(user.email, user.password)
            #expect(afterPassword.location == "/mfa", "the second factor before the change: \(afterPassword.location ?? "-")")
            provider.nextTOTPStep()
            let change = try #require(try await person.submitSecondFactor(provider.totpCode(secret)).location)
            #expect(change.hasPrefix("/reset-password?token="))
            #expect(try await changePassword(person, at: change, to: "violet harbor lantern 77").text.contains("Password changed"))
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.emailVerified == false,
                    "a forced change proves the password and the second factor, not the mailbox")

            let forgot = try await person.get("/forgot-password")
            _ = try await person.post("/forgot-password", form: [("csrf_token", forgot.hiddenField("csrf_token") ?? ""), ("email", user.email)])
            let link = try await provider.link(sentTo: user.email, prefix: "/reset-password?")
            let page = try await person.get(link)
            let reset = try await person.post("/reset-password", form: [
                ("csrf_token", page.hiddenField("csrf_token") ?? ""), ("token", page.hiddenField("token") ?? ""),
                ("password", "copper meadow signal 31"), ("confirm", "copper meadow signal 31")])
            #expect(reset.text.contains("Password changed"))
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.emailVerified == true, "the mailed link proved the address")
        }
    }
}
