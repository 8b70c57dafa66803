import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// The user lifecycle (issue 11 item 3) through `/api/v1/users/{id}/…` and what it does to every
/// credential the user holds, on the real stack.
@Suite("The user lifecycle: suspend, reactivate, deactivate, erase, export")
struct UserLifecycleTests {
    /// A super_admin with an API token (there may be many in the shared test database).
    func superAdmin(_ provider: TestProvider, _ browser: TestBrowser) async throws -> (user: TestProvider.RegisteredUser, api: APIClient) {
        let admin = try await provider.makeUser(name: "Root")
        try await provider.dependencies.organizations.memberships.setPlatformRole(.superAdmin, userID: admin.user.id,
                                                                                   at: provider.clock.now, by: nil)
        return (admin, APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client)))
    }

    @Test("suspending stops the browser session, the refresh token, /userinfo, /introspect and /api/v1 at once; reactivating restores none of them")
    func suspensionKillsEverything() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await superAdmin(provider, browser)
            let organization = try await provider.makeOrganization()
            let user = try await provider.makeMember(of: organization, role: .clientAdmin)
            let userBrowser = TestBrowser(browser.client)
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: userBrowser)
            let tokens = try await rp.tokens(for: user)
            let access = try tokens.string("access_token"), refresh = try tokens.string("refresh_token")
            let userAPI = APIClient(browser: TestBrowser(browser.client), token: try await provider.apiToken(for: user, client: browser.client))
            let orgPath = "/api/v1/organizations/\(apiID(organization.id))"
            #expect(try await userinfoStatus(rp, access) == .ok)
            #expect(try await rp.introspect(access)["active"] as? Bool == true)
            #expect(try await userAPI.call(.get, orgPath).status == .ok)
            #expect(try await userBrowser.get("/account").status == .ok)

            let suspended = try await api.call(.post, "/api/v1/users/\(user.subject)/suspend")
            #expect(suspended.status == .ok)
            #expect(suspended.text == #"{"id":"\#(user.subject)","status":"suspended"}"#)
            try await expectDead(provider, rp, userBrowser, userAPI, access: access, refresh: refresh, orgPath: orgPath)

            let reactivated = try await api.call(.post, "/api/v1/users/\(user.subject)/reactivate")
            #expect(reactivated.text == #"{"id":"\#(user.subject)","status":"active"}"#)
            try await expectDead(provider, rp, userBrowser, userAPI, access: access, refresh: refresh, orgPath: orgPath)

            // Signing in again works, with new tokens (a second later: the cut-off is a whole second).
            provider.clock.advance(by: 1)
            let fresh = try await TestRelyingParty(provider: provider, client: rp.client, browser: TestBrowser(browser.client)).tokens(for: user)
            #expect(try await userinfoStatus(rp, try fresh.string("access_token")) == .ok)

            let again = try await api.call(.post, "/api/v1/users/\(user.subject)/reactivate")
            #expect(again.status == .conflict)
            #expect(again.text == #"{"detail":"the user is active","status":409,"title":"Conflict","type":"urn:gatehouse:problem:conflict"}"#)
            let types = try await provider.audit.newest(limit: 50, subject: user.user.id).map(\.event.type)
            #expect(types.contains(.userSuspended) && types.contains(.userReactivated))
        }
    }

    func userinfoStatus(_ rp: TestRelyingParty, _ access: String) async throws -> HTTPResponse.Status {
        try await rp.userinfo(access).status
    }

    func expectDead(_ provider: TestProvider, _ rp: TestRelyingParty, _ userBrowser: TestBrowser, _ userAPI: APIClient,
                    access: String, refresh: String, orgPath: String) async throws {
        let userinfo = try await rp.userinfo(access)
        #expect(userinfo.status == .unauthorized)
        #expect(userinfo.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true, "\(userinfo.headers)")
        let introspected = try await rp.introspect(access)
        #expect(introspected.count == 1 && introspected["active"] as? Bool == false)
        #expect(try await rp.introspect(refresh)["active"] as? Bool == false)
        let refreshed = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh)])
        #expect(refreshed.status == .badRequest)
        #expect(try refreshed.json()["error"] as? String == "invalid_grant")
        let api = try await userAPI.call(.get, orgPath)
        #expect(api.status == .unauthorized)
        #expect(api.text == #"{"detail":"the access token's account is suspended, deactivated, or was since","status":401,"title":"Unauthorized","type":"urn:gatehouse:problem:invalid-token"}"#)
        let account = try await userBrowser.get("/account")
        #expect(account.status == .seeOther, "the session is gone: back to sign-in")
    }

    @Test("a suspended or deactivated account that gives the right password reads why it cannot sign in; a wrong password reads nothing of it")
    func signInRefused() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await superAdmin(provider, browser)
            let user = try await provider.makeUser()
            _ = try await api.call(.post, "/api/v1/users/\(user.subject)/suspend")
            let wrong = try await TestBrowser(browser.client).signInDirectly(user.email, "not the password")
            #expect(wrong.status == .badRequest)
            #expect(!wrong.text.contains("suspended"))
            let right = try await TestBrowser(browser.client).signInDirectly(user.email, user.password)
            #expect(right.status == .forbidden)
            #expect(right.text.contains("This account is suspended"))
            #expect(right.headers[.setCookie]?.contains("gh_session") != true)

            _ = try await api.call(.post, "/api/v1/users/\(user.subject)/deactivate")
            let closed = try await TestBrowser(browser.client).signInDirectly(user.email, user.password)
            #expect(closed.status == .forbidden)
            #expect(closed.text.contains("This account is deactivated"))
        }
    }

    @Test("erasing removes the personal data in one go, announces user.erased, leaves the audit chain verifiable and the id unusable")
    func erasure() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await superAdmin(provider, browser)
            let organization = try await provider.makeOrganization()
            let user = try await provider.makeMember(of: organization, role: .clientUser)
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: TestBrowser(browser.client))
            let access = try await rp.tokens(for: user).string("access_token")
            // A rich history: failed and good sign-ins (with the email, address and agent), a suspension.
            _ = try await TestBrowser(browser.client).signInDirectly(user.email, "wrong")
            _ = try await api.call(.post, "/api/v1/users/\(user.subject)/suspend")
            let before = try await provider.audit.newest(limit: 100, subject: user.user.id)
            #expect(before.count >= 4)
            #expect(before.contains { $0.revealedEvent.details["email"] == user.email })
            let since = try await provider.dependencies.liveEvents.newestID()
            // A lock keyed by the address (as after repeated failed passwords).
            let lockouts = provider.dependencies.protection.lockouts
            let addressLock = AttemptSubject.password(email: user.email).digest(provider.crypto)
            #expect(try await lockouts.lock(subject: addressLock, at: provider.clock.now, until: provider.clock.now.addingTimeInterval(900)))

            let erased = try await api.call(.delete, "/api/v1/users/\(user.subject)")
            #expect(erased.status == .noContent)

            let row = try #require(try await TestServices.postgres().query(
                "SELECT status, email, name, password_hash, deleted_at FROM users WHERE id = $1", [.uuid(user.user.id)]).rows.first)
            #expect(try row.string("status") == "erased")
            #expect(try row.optionalString("email") == nil && row.optionalString("name") == nil && row.optionalString("password_hash") == nil)
            for table in ["browser_sessions", "refresh_tokens", "memberships", "consents", "password_history"] {
                let count = try await TestServices.postgres().query("SELECT count(*) AS n FROM \(table) WHERE user_id = $1",
                                                                    [.uuid(user.user.id)]).rows.first?.int("n")
                #expect(count == 0, "\(table)")
            }
            // The farewell is the one mail to the address left, and it forgets the address once sent.
            #expect(try await provider.lastMail(to: user.email)?.subject == "Your Gatehouse account was deleted")
            #expect(try await provider.mailCount(to: user.email) == 1)
            let farewell = try await provider.receivedMail(to: user.email)
            #expect(farewell.text?.contains("This is the last mail we send to this address.") == true)
            #expect(try await provider.mailCount(to: user.email) == 0, "no mail to the address is kept")
            let after = try await provider.audit.newest(limit: 100, subject: user.user.id)
            #expect(after.count == before.count + 1, "every event stays, plus the erasure's own")
            #expect(after.first?.event.type == .userErased)
            #expect(after.allSatisfy { $0.personalDigest == nil || $0.personal == nil }, "no personal part left")
            #expect(!after.contains { $0.revealedEvent.details["email"] == user.email || $0.revealedEvent.ip != nil })
            #expect(try await lockouts.lockedUntil(subject: addressLock, now: provider.clock.now) == nil, "no lock keyed by the address outlives it")
            // The real chain check over the whole shared trail.
            _ = try await provider.audit.verify()

            let announced = try await provider.dependencies.liveEvents.events(after: since, limit: 100)
            #expect(announced.contains { $0.type == .userErased && $0.data == ["user_id": user.subject] })

            #expect(try await rp.userinfo(access).status == .unauthorized)
            #expect(try await api.call(.delete, "/api/v1/users/\(user.subject)").text == notFoundProblem)
            #expect(try await api.call(.get, "/api/v1/users/\(user.subject)/export").text == notFoundProblem)
            // The id names nobody and can never name anyone else.
            var reused = user.user
            reused.email = "reuse-" + user.email
            await #expect(throws: (any Error).self) { try await provider.dependencies.users.create(reused) }
        }
    }

    @Test("the export holds the profile, status, memberships, consents, sessions, factors and audit events, and no secret")
    func export() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await superAdmin(provider, browser)
            let organization = try await provider.makeOrganization("Export Co")
            let user = try await provider.makeMember(of: organization, role: .clientUser, name: "Grace Hopper")
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: TestBrowser(browser.client))
            _ = try await rp.tokens(for: user)
            let response = try await api.call(.get, "/api/v1/users/\(user.subject)/export")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let document = try response.json()
            let profile = try #require(document["profile"] as? [String: Any])
            #expect(profile["email"] as? String == user.email && profile["name"] as? String == "Grace Hopper")
            #expect(profile["status"] as? String == "active" && profile["has_password"] as? Bool == true)
            let memberships = try #require(document["memberships"] as? [[String: Any]])
            #expect(memberships.count == 1 && memberships[0]["organization_slug"] as? String == organization.slug
                    && memberships[0]["role"] as? String == "client_user")
            let consents = try #require(document["consents"] as? [[String: Any]])
            #expect(consents.first?["client_id"] as? String == rp.client.id)
            #expect((document["sessions"] as? [Any])?.count == 1)
            #expect((document["second_factors"] as? [Any])?.isEmpty == true)
            let events = try #require(document["audit_events"] as? [[String: Any]])
            #expect(events.contains { $0["type"] as? String == "sign_in_succeeded" })
            for secret in ["password_hash", "argon2", "sealed", "digest", user.password] { #expect(!response.text.contains(secret), "\(secret)") }
        }
    }

    @Test("the admin path refuses one's own account (409) and users the caller may not see (404) or may not act on (403)")
    func refusals() async throws {
        try await withProvider { provider, browser in
            let (admin, api) = try await superAdmin(provider, browser)
            let own = try await api.call(.post, "/api/v1/users/\(admin.subject)/suspend")
            #expect(own.text == #"{"detail":"you cannot do this to your own account here; use /account","status":409,"title":"Conflict","type":"urn:gatehouse:problem:conflict"}"#)
            let organization = try await provider.makeOrganization(), elsewhere = try await provider.makeOrganization("Elsewhere")
            let clientAdmin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let adminAPI = APIClient(browser: TestBrowser(browser.client), token: try await provider.apiToken(for: clientAdmin, client: browser.client))
            let peer = try await provider.makeMember(of: organization, role: .clientAdmin)
            let stranger = try await provider.makeMember(of: elsewhere, role: .clientUser)
            let member = try await provider.makeMember(of: organization, role: .clientUser)
            #expect(try await adminAPI.call(.post, "/api/v1/users/\(peer.subject)/suspend").text
                    == #"{"detail":"your role does not allow this on that user","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)
            #expect(try await adminAPI.call(.post, "/api/v1/users/\(stranger.subject)/suspend").text == notFoundProblem)
            #expect(try await adminAPI.call(.post, "/api/v1/users/\(UUID().uuidString.lowercased())/suspend").text == notFoundProblem)
            #expect(try await adminAPI.call(.post, "/api/v1/users/\(member.subject)/suspend").status == .ok)
            #expect(try await adminAPI.call(.get, "/api/v1/users/\(member.subject)/export").status == .ok)
        }
    }
}

extension UserLifecycleTests {
    @Test("a sign-in waiting for its second factor when the account is suspended does not end in a session")
    func suspendedDuringSecondFactor() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await superAdmin(provider, browser)
            let (user, secret, _) = try await provider.makeUserWithTOTP(browser.client)
            let userBrowser = TestBrowser(browser.client)
            let afterPassword = try await userBrowser.signInDirectly(user.email, user.password)
            #expect(afterPassword.location?.hasPrefix("/mfa") == true, "\(afterPassword.status) \(afterPassword.location ?? "")")
            _ = try await api.call(.post, "/api/v1/users/\(user.subject)/suspend")
            let typed = try await userBrowser.submitSecondFactor(provider.totpCode(secret))
            #expect(typed.status == .forbidden)
            #expect(typed.text.contains("This account is suspended"))
            #expect(try await userBrowser.get("/account").status == .seeOther)
        }
    }
}

extension UserLifecycleTests {
    @Test("a code issued before a suspension and redeemed after it gives tokens that never work, not even after reactivation")
    func codeRedeemedAfterSuspension() async throws {
        try await withProvider { provider, browser in
            let (_, api) = try await superAdmin(provider, browser)
            let user = try await provider.makeUser()
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: TestBrowser(browser.client))
            let request = TestRelyingParty.Request()
            let code = try #require(try await rp.signIn(user, request)["code"])
            _ = try await api.call(.post, "/api/v1/users/\(user.subject)/suspend")
            provider.clock.advance(by: 2)
            let tokens = try await rp.redeem(code: code, verifier: request.verifier).json()
            let access = try tokens.string("access_token"), refresh = try tokens.string("refresh_token")
            _ = try await api.call(.post, "/api/v1/users/\(user.subject)/reactivate")
            #expect(try await rp.userinfo(access).status == .unauthorized)
            #expect(try await rp.introspect(refresh)["active"] as? Bool == false)
            let refreshed = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(try refreshed.json()["error"] as? String == "invalid_grant")
        }
    }
}
