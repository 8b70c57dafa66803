import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Mail anyone can cause by typing an address (verification codes, reset links, "you already
/// have an account") is limited per recipient, silently (`RecipientLimitedMailOutbox`).
@Suite("Mail per recipient")
struct MailFloodTests {
    @Test("an unverified account's sign-ins and registrations send at most 5 mails an hour to its address; the pages do not change")
    func perRecipient() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser(verified: false)
            for _ in 0..<7 {
                let answer = try await TestBrowser(browser.client).signInDirectly(user.email, user.password)
                #expect(answer.status == .seeOther)
                #expect(answer.location?.hasPrefix("/verify-email?ticket=") == true, "the same page, mail or not")
            }
            #expect(try await provider.mailCount(to: user.email) == 5)
            let again = try await TestBrowser(browser.client).register(email: user.email, password: strongPassword)
            #expect(again.location?.hasPrefix("/verify-email?ticket=") == true)
            #expect(try await provider.mailCount(to: user.email) == 5, "\"you already have an account\" shares the budget")
            #expect(try await provider.mailCount(to: provider.uniqueEmail()) == 0)

            provider.clock.advance(by: 3600)
            _ = try await TestBrowser(browser.client).signInDirectly(user.email, user.password)
            #expect(try await provider.mailCount(to: user.email) == 6, "a new hour")
        }
    }

    @Test("notices about the account's own events are not limited")
    func noticesPass() async throws {
        try await withProtectedProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            var password = user.password
            for index in 0..<6 {
                let next = "violet harbor lantern \(index)x"
                let changed = try await browser.accountAction("/account/password", [("current_password", password), ("password", next),
                                                                                   ("confirm", next)])
                #expect(changed.location == "/account?done=password")
                password = next
            }
            #expect(try await provider.mailCount(to: user.email) == 6, "one \"password was changed\" notice each")
        }
    }
}
