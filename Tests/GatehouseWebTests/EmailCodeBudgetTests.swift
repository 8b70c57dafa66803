import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Codes that prove an address (`/verify-email`) count per address and per account across every
/// ticket: a new sign-in or a new change of email brings a new code, never a new budget.
@Suite("Emailed address codes: one budget per address and per account")
struct EmailCodeBudgetTests {
    func wrongCode(for provider: TestProvider, _ email: String) async throws -> String {
        try await provider.code(sentTo: email) == "000000" ? "111111" : "000000"
    }

    @Test("wrong verification codes add up across new sign-ins: the fifth locks the address's codes, with a page that says what to do")
    func acrossSignIns() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser(verified: false)
            var answers: [(status: Int, text: String)] = []
            // Each sign-in of an unverified account sends a new code with a ticket of its own
            // (5 tries each): before, 8 wrong codes over two sign-ins were all just "not right".
            for tries in [3, 5] {
                let person = TestBrowser(browser.client)
                let afterPassword = try await person.signInDirectly(user.email, user.password)
                #expect(afterPassword.location?.hasPrefix("/verify-email?ticket=") == true)
                let wrong = try await wrongCode(for: provider, user.email)
                for _ in 0..<tries {
                    let answer = try await person.enterCode(wrong, after: afterPassword)
                    answers.append((Int(answer.status.code), answer.text))
                }
            }
            #expect(answers.map(\.status) == [400, 400, 400, 400, 429, 429, 429, 429])
            #expect(answers[0].text.contains("That code is not right. Check the latest email and try again (4 tries left)."))
            #expect(answers[3].text.contains("(1 try left)"), "the account's budget, not the new ticket's 5 tries, is what is left")
            #expect(answers[4].text.contains("Too many wrong codes"))
            #expect(answers[4].text.contains("Codes for this email address are paused after too many wrong tries"))
            #expect(answers[4].text.contains("ask for a new code: sign in again"))

            // The lock holds for a new ticket and the right code, and says when to come back.
            let later = TestBrowser(browser.client)
            let afterPassword = try await later.signInDirectly(user.email, user.password)
            let right = try await later.enterCode(try await provider.code(sentTo: user.email), after: afterPassword)
            #expect(right.status == .tooManyRequests)
            #expect(right.headers[.retryAfter] == "900")
            #expect(right.text.contains("Try again in about 15 minutes."))
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.emailVerified == false)
            #expect(try await provider.auditTypes(of: user.user.id).contains("account_locked"))

            // After the lock a new code works again.
            provider.clock.advance(by: 901)
            try await provider.forgetAttemptCounters()
            let fresh = TestBrowser(browser.client)
            let again = try await fresh.signInDirectly(user.email, user.password)
            let done = try await fresh.enterCode(try await provider.code(sentTo: user.email), after: again)
            #expect(done.location == "/account")
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.emailVerified == true)
        }
    }

    @Test("wrong codes for one address add up across accounts asking to move to it (change of email)")
    func perAddressAcrossAccounts() async throws {
        try await withProtectedProvider { provider, browser in
            let target = provider.uniqueEmail()
            var statuses: [Int] = []
            for attempts in [3, 3] {
                let user = try await provider.makeUser()
                let person = TestBrowser(browser.client)
                _ = try await person.signInDirectly(user.email, user.password)
                let asked = try await person.accountAction("/account/email", [("email", target), ("current_password", user.password)])
                #expect(asked.location?.hasPrefix("/verify-email?ticket=") == true)
                let wrong = try await wrongCode(for: provider, target)
                for _ in 0..<attempts {
                    statuses.append(Int(try await person.enterCode(wrong, after: asked).status.code))
                }
            }
            #expect(statuses == [400, 400, 400, 400, 429, 429], "the fifth wrong code for the address locks it, whichever account")
            #expect(try await provider.dependencies.users.find(email: target) == nil)
        }
    }

    @Test("wrong emailed sign-in codes add up across sign-ins (the second-factor count)")
    func signInCodesAcrossSignIns() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            _ = try await browser.accountAction("/account/mfa/email/enable", [("current_password", user.password)])
            var statuses: [Int] = []
            for _ in 0..<2 {
                let person = TestBrowser(browser.client)
                #expect(try await person.signInDirectly(user.email, user.password).location == "/mfa?method=email")
                let wrong = try await wrongCode(for: provider, user.email)
                for _ in 0..<3 { statuses.append(Int(try await person.submitSecondFactor(wrong, method: "email").status.code)) }
            }
            #expect(statuses == [400, 400, 400, 400, 429, 429])
        }
    }
}
