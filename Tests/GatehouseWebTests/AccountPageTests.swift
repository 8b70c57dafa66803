import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

@Suite("The account page")
struct AccountPageTests {
    @Test("signed out, /account sends you to sign in")
    func needsSession() async throws {
        try await withProvider { _, browser in
            let response = try await browser.get("/account")
            #expect(response.location == "/login")
        }
    }

    @Test("profile edits show up in userinfo; a non-https picture is refused")
    func profile() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let saved = try await browser.accountAction("/account/profile", [("name", "Grace Brewster Hopper"), ("given_name", "Grace"),
                                                                            ("family_name", "Hopper"), ("picture", "https://img.example/g.png")])
            #expect(saved.location == "/account?done=profile")
            let updated = try #require(try await provider.dependencies.users.find(id: user.user.id))
            #expect(updated.name == "Grace Brewster Hopper" && updated.picture == "https://img.example/g.png")
            let refused = try await browser.accountAction("/account/profile", [("picture", "javascript:alert(1)")])
            #expect(refused.status == .badRequest)
        }
    }

    @Test("changing the password needs the current one, follows the policy, keeps this device and ends the others")
    func changePassword() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let otherDevice = TestBrowser(browser.client)
            _ = try await otherDevice.signInDirectly(user.email, user.password)
            let wrong = try await browser.accountAction("/account/password", [("current_password", "nope"), ("password", strongPassword),
                                                                             ("confirm", strongPassword)])
            #expect(wrong.text.contains("current password is not right"))
            let weak = try await browser.accountAction("/account/password", [("current_password", user.password), ("password", "short"),
                                                                            ("confirm", "short")])
            #expect(weak.status == .badRequest)
            let changed = try await browser.accountAction("/account/password", [("current_password", user.password),
                                                                               ("password", strongPassword), ("confirm", strongPassword)])
            #expect(changed.location == "/account?done=password")
            #expect(try await browser.get("/account").status == .ok, "this device stays signed in")
            #expect(try await otherDevice.get("/account").location == "/login", "the other device is signed out")
            #expect(try await provider.lastMail(to: user.email)?.subject.contains("password was changed") == true)
            let back = try await browser.accountAction("/account/password", [("current_password", strongPassword),
                                                                            ("password", user.password), ("confirm", user.password)])
            #expect(back.text.contains("used this password"), "no reuse of the last passwords")
        }
    }

    @Test("the change forms fold away; the one whose submission failed comes back unfolded with its error")
    func foldedForms() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let page = try await browser.get("/account").text
            for fold in ["profile-fold", "email-fold", "password-fold"] {
                #expect(page.contains(#"<details class="fold" id="\#(fold)">"#), "\(fold) starts folded")
            }
            let wrong = try await browser.accountAction("/account/password", [("current_password", "nope"), ("password", strongPassword),
                                                                             ("confirm", strongPassword)])
            #expect(wrong.text.contains(#"<details class="fold" id="password-fold" open>"#))
            #expect(wrong.text.contains(#"<details class="fold" id="email-fold">"#), "only the failed form opens")
            let badPicture = try await browser.accountAction("/account/profile", [("picture", "http://img.example/g.png")])
            #expect(badPicture.text.contains(#"<details class="fold" id="profile-fold" open>"#))
        }
    }

    @Test("changing the email takes effect only after the code sent to the new address; the old address is told")
    func changeEmail() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let newEmail = provider.uniqueEmail()
            let sent = try await browser.accountAction("/account/email", [("email", newEmail), ("current_password", user.password)])
            #expect(sent.location?.hasPrefix("/verify-email?ticket=") == true)
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.email == user.email, "not yet")
            #expect(try await provider.lastMail(to: user.email)?.text.contains(newEmail) == true, "the old address hears of it")
            let done = try await browser.enterCode(try await provider.code(sentTo: newEmail), after: sent)
            #expect(done.location == "/account?done=email")
            #expect(try await provider.dependencies.users.find(id: user.user.id)?.email == newEmail)
            #expect(try await provider.lastMail(to: user.email)?.subject.contains("email was changed") == true)
        }
    }

    @Test("the sessions list shows each device; one can be signed out, or all of them with refresh tokens")
    func sessions() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let phone = TestBrowser(browser.client)
            let iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
            let phoneLogin = try await phone.get("/login")
            _ = try await phone.post("/login", form: [("csrf_token", phoneLogin.hiddenField("csrf_token") ?? ""),
                                                     ("email", user.email), ("password", user.password)],
                                     headers: [.userAgent: iPhone])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            let refresh = try #require(try await rp.redeem(code: code, verifier: request.verifier).json()["refresh_token"] as? String)

            let page = try await browser.get("/account")
            #expect(page.text.contains("this device"))
            #expect(page.text.contains("Safari on iPhone"), "each device is described from its user agent")
            #expect(try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now).count == 2)

            let everywhere = try await browser.accountAction("/account/sessions/revoke-all", [])
            #expect(everywhere.text.contains("Signed out everywhere"))
            #expect(try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now).isEmpty)
            #expect(try await phone.get("/account").location == "/login")
            #expect(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh)]).json()["error"] as? String == "invalid_grant")
        }
    }

    @Test("ten sessions show at a time, the newest first; older ones are a link away, and a cursor that does not read is the first page")
    func sessionPages() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let now = provider.clock.now
            var others: [BrowserSession] = []
            for minutes in 1...11 {
                let seen = now.addingTimeInterval(-60 * Double(minutes))
                let other = BrowserSession(id: UUID(), userID: user.user.id, authTime: seen, amr: ["pwd"], createdAt: seen,
                                           expiresAt: now.addingTimeInterval(3600), lastSeenAt: seen, ipAddress: "198.51.100.\(minutes)",
                                           userAgent: "Test/1.0")
                try await provider.dependencies.sessions.create(other, tokenDigest: Array(UUID().uuidString.utf8))
                others.append(other)
            }
            func shownIDs(_ page: String) -> [String] {
                page.matches(of: /name="session" value="([0-9a-f-]+)"/).map { String($0.1) }
            }
            let first = try await browser.get("/account")
            let firstIDs = shownIDs(first.text)
            #expect(firstIDs.count == 10)
            #expect(Array(firstIDs.dropFirst()) == others.prefix(9).map { $0.id.uuidString.lowercased() }, "most recently seen first")
            #expect(!first.text.contains("The most recent sessions"))
            let older = try #require(first.text.firstMatch(of: /<a href="(\/account\?sessions_after=[^"]+)">Older sessions ›<\/a>/)?.1)
            let second = try await browser.get(String(older))
            #expect(shownIDs(second.text) == others.suffix(2).map { $0.id.uuidString.lowercased() })
            #expect(second.text.contains(#"<a href="/account#sessions">‹ The most recent sessions</a>"#))
            #expect(!second.text.contains("Older sessions"))
            // Times before 1970 or from the year 10000 on are no cursor either (the largest one
            // used to stop the whole server: its microseconds trapped on the way to PostgreSQL).
            for garbage in ["nonsense", "12-not-a-uuid", "-1-" + UUID().uuidString, String(repeating: "9", count: 500),
                            "9223372036854775807-" + UUID().uuidString, "253402300800000000-" + UUID().uuidString] {
                let page = try await browser.get("/account?sessions_after=\(garbage)")
                #expect(page.status == .ok)
                #expect(shownIDs(page.text) == firstIDs, "\(garbage) is the first page")
            }
        }
    }

    @Test("signing out one other device leaves this one")
    func signOutOneDevice() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let laptop = TestBrowser(browser.client)
            _ = try await laptop.signInDirectly(user.email, user.password)
            _ = try await browser.signInDirectly(user.email, user.password)
            let sessions = try await provider.dependencies.sessions.list(userID: user.user.id, now: provider.clock.now)
            let laptopSession = try #require(sessions.last)
            let response = try await browser.accountAction("/account/sessions/revoke", [("session", laptopSession.id.uuidString.lowercased())])
            #expect(response.location == "/account?done=session")
            #expect(try await laptop.get("/account").location == "/login")
            #expect(try await browser.get("/account").status == .ok)
        }
    }

    @Test("connected apps are listed and can be revoked: consent forgotten, refresh tokens revoked")
    func connectedApps() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(name: "Budget Planner")
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            let refresh = try #require(try await rp.redeem(code: code, verifier: request.verifier).json()["refresh_token"] as? String)
            #expect(try await browser.get("/account").text.contains("Budget Planner"))
            let revoked = try await browser.accountAction("/account/apps/revoke", [("client", client.id)])
            #expect(revoked.location == "/account?done=app")
            #expect(try await provider.dependencies.consents.grantedScopes(userID: user.user.id, clientID: client.id).isEmpty)
            #expect(try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh)]).json()["error"] as? String == "invalid_grant")
            #expect(try await browser.get(rp.authorizeURL(.init())).location?.hasPrefix("/consent") == true, "consent is asked again")
        }
    }

    @Test("account actions refuse a missing CSRF token")
    func csrf() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let response = try await browser.post("/account/sessions/revoke-all", form: [])
            #expect(response.status == .forbidden)
            #expect(try await browser.get("/account").status == .ok)
        }
    }
}
