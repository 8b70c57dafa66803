import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import HTTPTypes
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// Personal access tokens (issue 11 item 6) on real PostgreSQL and Redis: a key works as a bearer
/// token at `/api/v1` (with `gatehouse:manage`, the owner's roles read per call) and at
/// `/introspect`; it is no sign-in anywhere a user must be present; revoked, expired and
/// orphaned keys stop working; the database holds the digest and nothing else of the key.
@Suite("API keys (personal access tokens)")
struct APIKeyTests {
    static let invalidKey = #"{"detail":"the API key is invalid, revoked or expired","status":401,"title":"Unauthorized","type":"urn:gatehouse:problem:invalid-token"}"#
    static let insufficientScope = #"{"detail":"the access token was not granted the scope gatehouse:manage","status":403,"title":"Insufficient scope","type":"urn:gatehouse:problem:insufficient-scope"}"#

    static func introspection(_ issued: APIKeys.Issued, scope: String?) -> String {
        let scopePart = scope.map { #""scope":"\#($0)","# } ?? ""
        return #"{"active":true,"exp":\#(issued.key.expiresAt.numericDate),"iat":\#(issued.key.createdAt.numericDate),"iss":"\#(TestProvider.issuer)","jti":"\#(apiID(issued.key.id))",\#(scopePart)"sub":"\#(apiID(issued.key.userID))","token_type":"Bearer"}"#
    }

    /// A confidential client asking `/introspect`, the exact body back.
    static func introspect(_ rp: TestRelyingParty, _ token: String) async throws -> String {
        let response = try await rp.authenticatedPost("/introspect", [("token", token)])
        #expect(response.status == .ok)
        #expect(response.headers[.cacheControl] == "no-store")
        return response.text
    }

    @Test("a key with gatehouse:manage calls /api/v1 as its owner, whose roles are read at every call")
    func worksAtTheAPI() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let issued = try await provider.makeAPIKey(for: admin)
            #expect(issued.token.hasPrefix("ghpat_") && issued.token.utf8.count == 55)
            let api = APIClient(browser: browser, token: issued.token)
            let path = "/api/v1/organizations/\(apiID(organization.id))"
            let read = try await api.call(.get, path)
            #expect(read.status == .ok)
            #expect(read.text == APITests.organizationJSON(organization))
            _ = try await provider.dependencies.organizations.memberships.remove(organizationID: organization.id, userID: admin.user.id)
            let after = try await api.call(.get, path)
            #expect(after.status == .notFound)
            #expect(after.text == notFoundProblem)
        }
    }

    @Test("a key without gatehouse:manage cannot call the API: 403 insufficient_scope, and the refusal is audited")
    func withoutManage() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let tag = "k" + provider.crypto.randomToken(byteCount: 4).lowercased().filter(\.isLetter)
            _ = try await provider.assignCustomRole("reader", permissions: ["read"], organization: nil, to: user.user.id, tag: tag)
            let issued = try await provider.makeAPIKey(for: user, scopes: ["\(tag):read"])
            let response = try await APIClient(browser: browser, token: issued.token).call(.get, "/api/v1/api-keys")
            #expect(response.status == .forbidden)
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse", error="insufficient_scope", scope="gatehouse:manage""#)
            #expect(response.text == Self.insufficientScope)
            let refused = try await provider.auditEvents(about: user.user.id, type: .apiKeyRefused)
            #expect(refused.map(\.details) == [["key_id": apiID(issued.key.id), "name": "ci", "reason": "insufficient_scope:gatehouse:manage",
                                                "used_at": "api"]])
        }
    }

    @Test("/introspect: a live key is active with its scope, sub, exp, iat, jti; revoked, expired, unknown, orphaned: inactive")
    func introspection() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let issued = try await provider.makeAPIKey(for: user)
            #expect(try await Self.introspect(rp, issued.token) == Self.introspection(issued, scope: "gatehouse:manage"))

            let inactive = #"{"active":false}"#
            #expect(try await Self.introspect(rp, APIKeyToken.generate(provider.crypto)) == inactive, "unknown")
            #expect(try await Self.introspect(rp, "ghpat_" + String(repeating: "a", count: 49)) == inactive, "bad checksum")

            let revoked = try await provider.makeAPIKey(for: user, name: "revoked")
            _ = try await provider.apiKeys.revoke(revoked.key.id, of: user.user.id, by: try await provider.principal(user.user.id))
            #expect(try await Self.introspect(rp, revoked.token) == inactive, "revoked")

            let week = try await provider.makeAPIKey(for: user, name: "week", days: 7)
            provider.clock.advance(by: 7 * 86_400)
            #expect(try await Self.introspect(rp, week.token) == inactive, "expired")
            #expect(try await Self.introspect(rp, issued.token) == Self.introspection(issued, scope: "gatehouse:manage"), "still live")

            let doomed = try await provider.makeUser()
            let orphan = try await provider.makeAPIKey(for: doomed)
            #expect(try await PostgresUserStore(pool: try TestServices.postgres()).delete(id: doomed.user.id))
            #expect(try await Self.introspect(rp, orphan.token) == inactive, "owner deleted")
        }
    }

    @Test("revoked and expired keys are refused at /api/v1 with one answer: 401 invalid_token")
    func revokedAndExpired() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let revoked = try await provider.makeAPIKey(for: user, name: "revoked")
            let expiring = try await provider.makeAPIKey(for: user, name: "day", days: 1)
            #expect(try await APIClient(browser: browser, token: revoked.token).call(.get, "/api/v1/api-keys").status == .ok)
            let delete = try await APIClient(browser: browser, token: revoked.token).call(.delete, "/api/v1/api-keys/\(apiID(revoked.key.id))")
            #expect(delete.status == .noContent, "a key may revoke itself")
            provider.clock.advance(by: 86_400)
            for token in [revoked.token, expiring.token, APIKeyToken.generate(provider.crypto), "ghpat_short"] {
                let response = try await APIClient(browser: browser, token: token).call(.get, "/api/v1/api-keys")
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse", error="invalid_token""#)
                #expect(response.text == Self.invalidKey)
            }
            let reasons = try await provider.auditEvents(about: user.user.id, type: .apiKeyRefused).compactMap { $0.details["reason"] }
            #expect(reasons.sorted() == ["expired", "revoked"])
        }
    }

    @Test("refused wherever a user must be present: /userinfo and /events 401 invalid_token, /account and /authorize see no sign-in")
    func noSignIn() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let issued = try await provider.makeAPIKey(for: user)
            let bearer: HTTPFields = [.authorization: "Bearer \(issued.token)"]
            let userinfo = try await rp.userinfo(issued.token)
            #expect(userinfo.status == .unauthorized)
            #expect(userinfo.headers[.wwwAuthenticate]
                    == #"Bearer realm="gatehouse", error="invalid_token", error_description="an API key is not accepted here; it works at /api/v1 and /introspect""#)
            #expect(userinfo.text == oauthErrorBody("invalid_token", "an API key is not accepted here; it works at /api/v1 and /introspect"))

            let events = try await browser.get("/events", headers: bearer)
            #expect(events.status == .unauthorized)
            #expect(events.text == userinfo.text, "the live events of a user are no key's either")

            let account = try await browser.get("/account", headers: bearer)
            #expect(account.status == .seeOther)
            #expect(account.location == "/login")
            let keysPage = try await browser.get("/account/keys", headers: bearer)
            #expect(keysPage.status == .seeOther)
            #expect(keysPage.location == "/login")
            let authorize = try await browser.get(rp.authorizeURL(.init()), headers: bearer)
            #expect(authorize.status == .seeOther)
            #expect(authorize.location?.hasPrefix("/login?request=") == true, "\(authorize.location ?? "")")
        }
    }

    @Test("scopes: a key cannot carry a permission its owner does not hold; one taken from the owner is gone from the key at once")
    func scopesFollowTheOwner() async throws {
        try await withProvider { provider, browser in
            let rp = TestRelyingParty(provider: provider, client: try await provider.makeClient(), browser: browser)
            let user = try await provider.makeUser()
            let tag = "k" + provider.crypto.randomToken(byteCount: 4).lowercased().filter(\.isLetter)
            let role = try await provider.assignCustomRole("reader", permissions: ["read"], organization: nil, to: user.user.id, tag: tag)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: user, client: browser.client))
            let notHeld = try await api.call(.post, "/api/v1/api-keys", json: #"{"name":"ci","scopes":["gatehouse:manage","\#(tag):write"]}"#)
            #expect(notHeld.status == .forbidden)
            #expect(notHeld.text == #"{"detail":"you may not give a key the scope \#(tag):write","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)

            let issued = try await provider.makeAPIKey(for: user, scopes: ["gatehouse:manage", "\(tag):read"])
            #expect(try await Self.introspect(rp, issued.token) == Self.introspection(issued, scope: "gatehouse:manage \(tag):read"))
            #expect(try await provider.customRoles().unassign(roleID: role.id, userID: user.user.id))
            #expect(try await Self.introspect(rp, issued.token) == Self.introspection(issued, scope: "gatehouse:manage"))
        }
    }

    @Test("only the SHA-256 digest of a key is stored: the row holds no part of its text")
    func digestOnly() async throws {
        try await withProvider { provider, _ in
            let user = try await provider.makeUser()
            let issued = try await provider.makeAPIKey(for: user)
            let rows = try await TestServices.postgres().query("SELECT * FROM api_keys WHERE id = $1", [.uuid(issued.key.id)]).rows
            let row = try #require(rows.first)
            #expect(try row.bytes("token_digest") == provider.crypto.sha256(issued.token))
            let everything = try await TestServices.postgres().query("SELECT row_to_json(k)::text AS j FROM api_keys k WHERE id = $1",
                                                                    [.uuid(issued.key.id)]).rows.first?.string("j") ?? ""
            #expect(!everything.isEmpty)
            let secretPart = String(issued.token.dropFirst(6).prefix(43))
            #expect(!everything.contains(secretPart) && !everything.contains(String(secretPart.prefix(12))), "\(everything)")
        }
    }

    @Test("/api/v1/api-keys: create with an access token (the key once), list, revoke; a key may not create keys")
    func operations() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: user, client: browser.client))
            let expiry = provider.clock.now.addingTimeInterval(10 * 86_400)
            let created = try await api.call(.post, "/api/v1/api-keys",
                                             json: #"{"name":"deploy","scopes":["gatehouse:manage"],"expires_at":"\#(apiTime(expiry))"}"#)
            #expect(created.status == .created, "\(created.text)")
            let body = try created.json()
            let token = try body.string("token")
            let id = try body.string("id")
            let createdAt = try body.string("created_at")
            let line = #"{"created_at":"\#(createdAt)","expires_at":"\#(apiTime(expiry))","id":"\#(id)","last_used_at":null,"name":"deploy","scopes":["gatehouse:manage"],"status":"active"}"#
            #expect(created.text == String(line.dropLast()) + #","token":"\#(token)"}"#)
            #expect(APIKeyToken.isWellFormed(token))

            let listed = try await api.call(.get, "/api/v1/api-keys")
            #expect(listed.text == #"{"items":[\#(line)]}"#)

            let withKey = try await APIClient(browser: browser, token: token).call(.post, "/api/v1/api-keys",
                                                                               json: #"{"name":"again","scopes":["gatehouse:manage"]}"#)
            #expect(withKey.status == .forbidden)
            #expect(withKey.text == #"{"detail":"an API key cannot create API keys; use an access token or /account/keys","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)

            let tooLong = try await api.call(.post, "/api/v1/api-keys",
                                             json: #"{"name":"deploy","scopes":["gatehouse:manage"],"expires_at":"\#(apiTime(provider.clock.now.addingTimeInterval(366 * 86_400)))"}"#)
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.text == #"{"detail":"expires_at must be in the future and at most 365 days away","status":422,"title":"Invalid input","type":"urn:gatehouse:problem:invalid"}"#)

            let other = try await provider.makeUser()
            let stranger = APIClient(browser: browser, token: try await provider.apiToken(for: other, client: browser.client))
            #expect(try await stranger.call(.delete, "/api/v1/api-keys/\(id)").text == notFoundProblem, "another user's key is 404")
            #expect(try await api.call(.delete, "/api/v1/api-keys/\(id)").status == .noContent)
            #expect(try await api.call(.delete, "/api/v1/api-keys/\(id)").text == notFoundProblem)
            #expect(try await api.call(.get, "/api/v1/api-keys").text == #"{"items":[]}"#)
            #expect(try await provider.auditEvents(about: user.user.id, type: .apiKeyRevoked).count == 1)
        }
    }

    @Test("the last use is recorded, at most once a minute")
    func lastUse() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let issued = try await provider.makeAPIKey(for: user)
            let api = APIClient(browser: browser, token: issued.token)
            let first = provider.clock.now
            #expect(try await api.call(.get, "/api/v1/api-keys").status == .ok)
            provider.clock.advance(by: 30)
            let listed = try await api.call(.get, "/api/v1/api-keys").json()
            let items = try #require(listed["items"] as? [[String: Any]])
            #expect(items.first?["last_used_at"] as? String == apiTime(first))
            provider.clock.advance(by: 30)
            _ = try await api.call(.get, "/api/v1/api-keys")
            let stored = try await provider.dependencies.apiKeys.store.list(userID: user.user.id, limit: 5)
            #expect(stored.first?.lastUsedAt.map(apiTime) == apiTime(first.addingTimeInterval(60)))
        }
    }

    @Test("/account/keys: create shows the key once, the list never shows it; revoke needs the form's CSRF token")
    func page() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            _ = try await browser.signInDirectly(user.email, user.password)
            let account = try await browser.get("/account")
            #expect(account.text.contains(#"<a id="api-keys-link" href="/account/keys">API keys ›</a>"#))
            let page = try await browser.get("/account/keys")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<input id="scope-0" type="checkbox" name="scope" value="gatehouse:manage" checked>"#))
            let csrf = try #require(page.hiddenField("csrf_token"))

            let refused = try await browser.post("/account/keys", form: [("csrf_token", csrf), ("name", "ci"), ("scope", "reports:read"), ("days", "30")])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("You may not give a key one of those scopes; choose among those listed."))
            #expect(try await provider.dependencies.apiKeys.store.list(userID: user.user.id, limit: 5).isEmpty)

            let created = try await browser.post("/account/keys", form: [("csrf_token", csrf), ("name", "<b>CI</b>"), ("scope", "gatehouse:manage"), ("days", "90")])
            #expect(created.status == .ok)
            #expect(created.headers[.cacheControl] == "no-store")
            let match = try #require(created.text.range(of: #"ghpat_[0-9A-Za-z]{49}"#, options: .regularExpression))
            let token = String(created.text[match])
            #expect(created.text.contains(#"<code id="new-key-value" class="select-all">\#(token)</code>"#))
            #expect(created.text.contains("You will not see this key again."))
            #expect(created.text.contains("&lt;b&gt;CI&lt;/b&gt;") && !created.text.contains("<b>CI</b>"))
            let key = try #require(try await provider.dependencies.apiKeys.store.list(userID: user.user.id, limit: 5).first)
            #expect(key.expiresAt == key.createdAt.addingTimeInterval(90 * 86_400))
            #expect(try await APIClient(browser: browser, token: token).call(.get, "/api/v1/api-keys").status == .ok)

            let again = try await browser.get("/account/keys")
            #expect(!again.text.contains(token))
            #expect(again.text.contains("/account/keys/\(apiID(key.id))/revoke"))

            let forged = try await browser.post("/account/keys/\(apiID(key.id))/revoke", form: [("csrf_token", "forged")])
            #expect(forged.status == .forbidden)
            let revoked = try await browser.post("/account/keys/\(apiID(key.id))/revoke", form: [("csrf_token", try #require(again.hiddenField("csrf_token")))])
            #expect(revoked.status == .seeOther)
            #expect(revoked.location == "/account/keys?done=revoked#keys")
            #expect(try await APIClient(browser: browser, token: token).call(.get, "/api/v1/api-keys").text == Self.invalidKey)
            let after = try await browser.get("/account/keys?done=revoked")
            #expect(after.text.contains("The key was revoked. Anything using it stops working at once."))
            #expect(after.text.contains("You have no API keys."))
        }
    }
}

extension TestProvider {
    /// The API key service over this provider's stores, as the pages and the API use it.
    var apiKeys: APIKeys {
        APIKeys(keys: dependencies.apiKeys.store, users: dependencies.users,
                principals: Principals(memberships: dependencies.organizations.memberships, customRoles: dependencies.organizations.customRoles),
                customRoles: dependencies.organizations.customRoles, crypto: crypto, audit: dependencies.audit, clock: clock,
                maximumLifetimeDays: dependencies.apiKeys.maximumLifetimeDays)
    }

    func makeAPIKey(for user: RegisteredUser, scopes: [String] = ["gatehouse:manage"], name: String = "ci", days: Int = 30)
        async throws -> APIKeys.Issued {
        try await apiKeys.create(name: name, scopes: scopes, expiresAt: apiKeys.expiry(afterDays: days), by: try await principal(user.user.id))
    }

    /// The audit events about `userID` of one type, oldest first.
    func auditEvents(about userID: UUID, type: AuditEventType) async throws -> [AuditEvent] {
        try await audit.newest(limit: 100, subject: userID).map(\.event).filter { $0.type == type }.reversed()
    }
}
