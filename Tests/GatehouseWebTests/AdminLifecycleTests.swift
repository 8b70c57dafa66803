import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// The lifecycle on the console's user page (issue 11 items 2 and 3): suspend, reactivate and
/// deactivate by form, export as a download, erase only with a fresh sign-in and the email typed
/// again; each through `UserLifecycle`, so its rule refuses what the API and the CLI refuse.
@Suite("The console's lifecycle actions")
struct AdminLifecycleTests {
    @Test("suspend and reactivate from the user's page: the status shows, a suspended user's session ends, CSRF is required")
    func suspendAndReactivate() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.operator, provider)
            let user = try await provider.makeUser()
            let theirs = TestBrowser(browser.client)
            _ = try await theirs.signInDirectly(user.email, user.password)
            #expect(try await theirs.get("/account").status == .ok)

            _ = try await browser.signInDirectly(admin.email, admin.password)
            let path = AdminConsoleTests.path(user)
            let page = try await browser.get(path)
            #expect(page.text.contains(#"<span class="badge ok">active</span>"#))
            #expect(page.text.contains(#"<button type="submit" class="small danger">Suspend</button>"#))
            #expect(page.text.contains(#"<a href="\#(path)/export" download>Export their data (JSON)</a>"#))
            let csrf = page.hiddenField("csrf_token") ?? ""
            #expect(try await browser.post(path + "/suspend", form: []).status == .forbidden, "no CSRF token")
            let suspended = try await browser.post(path + "/suspend", form: [("csrf_token", csrf)])
            #expect(suspended.location == path + "?done=suspend")
            let shown = try await browser.get(path + "?done=suspend")
            #expect(shown.text.contains(#"<span class="badge warn">suspended</span>"#))
            #expect(shown.text.contains("Suspended: they cannot sign in"))
            #expect(shown.text.contains(">Reactivate</button>") && !shown.text.contains(">Suspend</button>"))
            #expect(try await theirs.get("/account").status == .seeOther, "their session ended")

            let again = try await browser.post(path + "/suspend", form: [("csrf_token", csrf)])
            #expect(again.status == .conflict)
            #expect(again.text.contains("The account is suspended already"))
            #expect(try await browser.post(path + "/reactivate", form: [("csrf_token", csrf)]).location == path + "?done=reactivate")
            let events = try await provider.audit.newest(limit: 50, subject: user.user.id).map(\.event.type)
            #expect(events.contains(.userSuspended) && events.contains(.userReactivated))
        }
    }

    @Test("an operator may not suspend a site admin (the lifecycle's rule), nor themselves")
    func refusals() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.operator, provider)
            let higher = try await AdminConsoleTests.staff(.siteAdmin, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let page = try await browser.get(AdminConsoleTests.path(higher))
            #expect(!page.text.contains(">Suspend</button>"), "no lifecycle buttons where the rule refuses")
            // A form token from a page that has forms (a user the operator may act on).
            let lower = try await provider.makeUser()
            let csrf = try #require(try await browser.get(AdminConsoleTests.path(lower)).hiddenField("csrf_token"))
            let refused = try await browser.post(AdminConsoleTests.path(higher) + "/suspend", form: [("csrf_token", csrf)])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("You may not do this to this user"))
            let own = try await browser.post(AdminConsoleTests.path(admin) + "/deactivate", form: [("csrf_token", csrf)])
            #expect(own.status == .conflict)
            #expect(own.text.contains("Manage your own account on your account page."))
            #expect(try await provider.dependencies.users.find(id: higher.user.id)?.status == .active)
        }
    }

    @Test("export downloads one JSON document about them; erase needs a fresh sign-in and the email typed again")
    func exportAndErase() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let path = AdminConsoleTests.path(user)
            let export = try await browser.get(path + "/export")
            #expect(export.status == .ok)
            #expect(export.headers[.contentDisposition] == "attachment; filename=\"gatehouse-user-\(user.user.id.uuidString.lowercased()).json\"")
            #expect(export.headers[.cacheControl] == "no-store")
            #expect(export.text.contains(user.email))

            let csrf = try await browser.get(path).hiddenField("csrf_token") ?? ""
            let wrong = try await browser.post(path + "/erase", form: [("csrf_token", csrf), ("confirm_email", "someone@else.test")])
            #expect(wrong.status == .badRequest)
            #expect(try await provider.dependencies.users.find(id: user.user.id) != nil)

            provider.clock.advance(by: 301)
            let stale = try await browser.post(path + "/erase", form: [("csrf_token", csrf), ("confirm_email", user.email)])
            #expect(stale.status == .forbidden)
            #expect(stale.text.contains("Sign in again first"))
        }
    }

    @Test("a fresh sign-in erases: the account is gone from the directory, the list says so, the chain verifies")
    func erase() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.superAdmin, provider)
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let path = AdminConsoleTests.path(user)
            let csrf = try await browser.get(path).hiddenField("csrf_token") ?? ""
            let erased = try await browser.post(path + "/erase", form: [("csrf_token", csrf), ("confirm_email", user.email.uppercased())])
            #expect(erased.location == "/admin/users?done=erased")
            #expect(try await browser.get("/admin/users?done=erased").text.contains("The account was erased."))
            #expect(try await provider.dependencies.users.find(id: user.user.id) == nil)
            #expect(try await browser.get(path).status == .notFound)
            #expect(try await browser.get("/admin/users?q=" + user.user.id.uuidString.lowercased()).text.contains("Nobody matches."))
            _ = try await provider.audit.verify()
        }
    }
}
