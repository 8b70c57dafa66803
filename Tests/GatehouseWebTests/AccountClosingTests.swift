import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
import HummingbirdTesting
import Testing

/// `/account/export` and `/account/delete` (issue 11 item 3): a signed-in user downloads their
/// data, and deactivates or deletes their own account with the password and second factor.
@Suite("Closing one's own account")
struct AccountClosingTests {
    @Test("the account page links to the page; the export downloads everything about the user as one JSON file")
    func export() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser(name: "Ada Lovelace")
            _ = try await browser.signInDirectly(user.email, user.password)
            #expect(try await browser.get("/account").text.contains(#"<a href="/account/delete">Download your data, or deactivate or delete your account</a>"#))
            let page = try await browser.get("/account/delete")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<a id="download-data" class="button secondary" href="/account/export">"#))
            #expect(!page.text.contains("closing-code"), "no second factor: no code asked")
            let download = try await browser.get("/account/export")
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition] == #"attachment; filename="gatehouse-account.json""#)
            #expect(download.headers[.cacheControl] == "no-store")
            let document = try download.json()
            let profile = try #require(document["profile"] as? [String: Any])
            #expect(profile["email"] as? String == user.email && profile["name"] as? String == "Ada Lovelace")
            #expect((document["sessions"] as? [Any])?.count == 1)
            #expect(!download.text.contains("argon2"))
            #expect(try await TestBrowser(browser.client).get("/account/export").status == .seeOther, "signed out: to sign-in")
        }
    }

    @Test("deactivating asks for the password, then signs out everywhere, mails the owner, and the account cannot sign in")
    func deactivate() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let unticked = try await browser.accountAction("/account/delete", [("choice", "deactivate"), ("current_password", user.password)])
            #expect(unticked.status == .badRequest && unticked.text.contains("Tick the box to confirm."))
            let wrong = try await browser.accountAction("/account/delete", [("choice", "deactivate"), ("current_password", "nope"), ("confirm", "yes")])
            #expect(wrong.status == .badRequest && wrong.text.contains("Your password is not right."))
            let done = try await browser.accountAction("/account/delete", [("choice", "deactivate"), ("current_password", user.password),
                                                                            ("confirm", "yes")])
            #expect(done.status == .ok && done.text.contains("Your account is deactivated"))
            #expect(try await browser.get("/account").status == .seeOther)
            #expect(try await provider.lastMail(to: user.email)?.subject == "Your Gatehouse account was deactivated")
            let again = try await TestBrowser(browser.client).signInDirectly(user.email, user.password)
            #expect(again.status == .forbidden && again.text.contains("This account is deactivated"))
            let types = try await provider.audit.newest(limit: 20, subject: user.user.id).map(\.event.type)
            #expect(types.contains(.userDeactivated))
        }
    }

    @Test("deleting with an authenticator needs its code; then the account is erased, the farewell mailed, the audit chain intact")
    func erase() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let (secret, _) = try await browser.enrolTOTP(password: user.password, provider: provider)
            provider.nextTOTPStep()
            #expect(try await browser.get("/account/delete").text.contains(#"id="closing-code""#))
            let noCode = try await browser.accountAction("/account/delete", [("choice", "erase"), ("current_password", user.password),
                                                                              ("confirm", "yes"), ("code", "000000")])
            #expect(noCode.status == .badRequest && noCode.text.contains("is not right"))
            #expect(noCode.text.contains(#"value="erase" checked"#), "the choice sent stays ticked")
            let done = try await browser.accountAction("/account/delete", [("choice", "erase"), ("current_password", user.password),
                                                                            ("confirm", "yes"), ("code", provider.totpCode(secret))])
            #expect(done.status == .ok && done.text.contains("Your account is deleted"))
            let status = try await TestServices.postgres().query("SELECT status FROM users WHERE id = $1", [.uuid(user.user.id)]).rows.first
            #expect(try status?.string("status") == "erased")
            #expect(try await provider.lastMail(to: user.email)?.subject == "Your Gatehouse account was deleted")
            let events = try await provider.audit.newest(limit: 50, subject: user.user.id)
            #expect(events.first?.event.type == .userErased && events.first?.event.actor == AuditEvent.user(user.user.id))
            #expect(events.allSatisfy { $0.personal == nil }, "not even the erasure's own event keeps the address it came from")
            _ = try await provider.audit.verify()
            let signIn = try await TestBrowser(browser.client).signInDirectly(user.email, user.password)
            #expect(signIn.status == .badRequest, "no such account any more")
        }
    }
}
