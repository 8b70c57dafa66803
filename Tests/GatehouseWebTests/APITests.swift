import Foundation
import GatehouseCore
import GatehouseTestingStack
import HTTPTypes
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// `/api/v1` (issue 10 item 7): Gatehouse's own access tokens with `gatehouse:manage`, the
/// caller's roles read from the database on every call, problem details for every refusal.
@Suite("The administration API")
struct APITests {
    static func invitationJSON(_ invitation: Invitation, state: String = "pending") -> String {
        let organization = invitation.organizationID.map { #""organization_id":"\#(apiID($0))","# } ?? ""
        return #"{"created_at":"\#(apiTime(invitation.createdAt))","email":"\#(invitation.email)","expires_at":"\#(apiTime(invitation.expiresAt))","id":"\#(apiID(invitation.id))",\#(organization)"role":"\#(invitation.role.rawValue)","state":"\#(state)"}"#
    }

    static func organizationJSON(_ organization: Organization, name: String? = nil, secondFactor: String = #"{"methods":[],"mode":"optional"}"#,
                                 updatedAt: Date? = nil) -> String {
        #"{"created_at":"\#(apiTime(organization.createdAt))","id":"\#(apiID(organization.id))","name":"\#(name ?? organization.name)","second_factor":\#(secondFactor),"slug":"\#(organization.slug)","status":"\#(organization.status.rawValue)","updated_at":"\#(apiTime(updatedAt ?? organization.updatedAt))"}"#
    }

    @Test("no token: 401 with the bearer challenge; a token without gatehouse:manage: 403 insufficient_scope; a forged one: 401 invalid_token")
    func authentication() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let path = "/api/v1/organizations/\(apiID(organization.id))"

            let none = try await APIClient(browser: browser, token: nil).call(.get, path)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse""#)
            #expect(none.headers[.contentType] == "application/problem+json")
            #expect(none.text == #"{"detail":"an access token is required","status":401,"title":"Unauthorized","type":"urn:gatehouse:problem:token-required"}"#)

            let forged = try await APIClient(browser: browser, token: "not.a.token").call(.get, path)
            #expect(forged.status == .unauthorized)
            #expect(forged.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse", error="invalid_token""#)
            #expect(forged.text == #"{"detail":"the access token is malformed or its signature is invalid","status":401,"title":"Unauthorized","type":"urn:gatehouse:problem:invalid-token"}"#)

            let narrow = try await provider.apiToken(for: admin, client: browser.client, scope: "openid profile")
            let refused = try await APIClient(browser: browser, token: narrow).call(.get, path)
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse", error="insufficient_scope", scope="gatehouse:manage""#)
            #expect(refused.text == #"{"detail":"the access token was not granted the scope gatehouse:manage","status":403,"title":"Insufficient scope","type":"urn:gatehouse:problem:insufficient-scope"}"#)

            let token = try await provider.apiToken(for: admin, client: browser.client)
            let claims = try await verifyWithJWKS(token, browser: browser).claims
            let audience = try #require(claims["aud"] as? [String])
            #expect(audience.count == 2 && audience[0] == claims["client_id"] as? String && audience[1] == "gatehouse:manage")
            #expect(try await verifyWithJWKS(narrow, browser: browser).claims["aud"] is String, "no resource audience without the scope")
            // Signed by us, the scope but not the audience: not a token minted for this API.
            let now = provider.clock.now.numericDate
            let withoutAudience = try provider.signer.sign(
                payload: AccessTokenClaims(iss: TestProvider.issuer, sub: apiID(admin.user.id), aud: "x", exp: now + 600, iat: now,
                                           jti: "no-audience", clientID: "x", scope: "gatehouse:manage", authTime: nil, sid: nil).jsonBytes,
                type: TokenType.accessToken)
            #expect(try await APIClient(browser: browser, token: withoutAudience).call(.get, path).text == refused.text)

            let read = try await APIClient(browser: browser, token: token).call(.get, path)
            #expect(read.status == .ok)
            #expect(read.headers[.contentType] == "application/json")
            #expect(read.text == Self.organizationJSON(organization))
        }
    }

    @Test("the caller's roles are read on every call: a token issued to a member stops reaching the organization when the membership is gone")
    func rolesReadPerCall() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let path = "/api/v1/organizations/\(apiID(organization.id))"
            #expect(try await api.call(.get, path).status == .ok)
            _ = try await provider.dependencies.organizations.memberships.remove(organizationID: organization.id, userID: admin.user.id)
            let after = try await api.call(.get, path)
            #expect(after.status == .notFound)
            #expect(after.text == notFoundProblem)
        }
    }

    @Test("a client's own token (client credentials) with gatehouse:manage speaks for no user: 401")
    func clientToken() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient(grantTypes: [.clientCredentials], scopes: ["gatehouse:manage"])
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let token = try #require(try await rp.token([("grant_type", "client_credentials"), ("scope", "gatehouse:manage")]).json()["access_token"] as? String)
            let response = try await APIClient(browser: browser, token: token).call(.get, "/api/v1/invitations")
            #expect(response.status == .unauthorized)
            #expect(response.text == #"{"detail":"the access token was issued to a client, not to a user","status":401,"title":"Unauthorized","type":"urn:gatehouse:problem:invalid-token"}"#)
        }
    }

    @Test("invitations: create, list with a next cursor, read by the link's token without a bearer, revoke, resend")
    func invitations() async throws {
        try await withProvider(mailEnabled: false) { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin, name: "Ada Lovelace")
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let store = provider.dependencies.organizations.invitations

            let email = provider.uniqueEmail()
            let created = try await api.call(.post, "/api/v1/invitations",
                                             json: #"{"email":"\#(email)","role":"client_user","organization_id":"\#(apiID(organization.id))"}"#)
            #expect(created.status == .created, "\(created.text)")
            let body = try created.json()
            let link = try body.string("link")
            let token = String(try #require(link.split(separator: "/").last))
            let invitation = try #require(try await store.find(digest: provider.crypto.tokenDigest(token)))
            #expect(created.text == #"{"invitation":\#(Self.invitationJSON(invitation)),"link":"\#(provider.dependencies.settings.issuer)/invitations/\#(token)"}"#)

            let second = try await provider.invitations.invite(email: provider.uniqueEmail(), role: .clientUser,
                                                               place: .organization(organization.id),
                                                               by: try await provider.principal(admin.user.id))
            let page = try await api.call(.get, "/api/v1/invitations?organization_id=\(apiID(organization.id))&limit=1")
            #expect(page.status == .ok)
            let next = try #require(try page.json()["next"] as? String)
            #expect(page.text == #"{"items":[\#(Self.invitationJSON(second.invitation))],"next":"\#(next)"}"#)
            let last = try await api.call(.get, "/api/v1/invitations?organization_id=\(apiID(organization.id))&limit=1&cursor=\(next)")
            #expect(last.text == #"{"items":[\#(Self.invitationJSON(invitation))]}"#)

            let details = try await APIClient(browser: browser, token: nil).call(.get, "/api/v1/invitations/by-token/\(token)")
            #expect(details.status == .ok)
            #expect(details.text == #"{"email":"\#(email)","expires_at":"\#(apiTime(invitation.expiresAt))","inviter_name":"Ada Lovelace","organization_name":"\#(organization.name)","role":"client_user","state":"pending"}"#)
            let unknown = try await APIClient(browser: browser, token: nil).call(.get, "/api/v1/invitations/by-token/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.text == notFoundProblem)

            let revoked = try await api.call(.post, "/api/v1/invitations/\(apiID(invitation.id))/revoke")
            #expect(revoked.status == .ok)
            #expect(revoked.text == Self.invitationJSON(invitation, state: "revoked"))
            let again = try await api.call(.post, "/api/v1/invitations/\(apiID(invitation.id))/revoke")
            #expect(again.status == .conflict)
            #expect(again.text == #"{"detail":"the invitation is revoked, not pending","status":409,"title":"Conflict","type":"urn:gatehouse:problem:conflict"}"#)

            let resent = try await api.call(.post, "/api/v1/invitations/\(apiID(second.invitation.id))/resend")
            #expect(resent.status == .created)
            let newToken = String(try #require(try resent.json().string("link").split(separator: "/").last))
            let replacement = try #require(try await store.find(digest: provider.crypto.tokenDigest(newToken)))
            #expect(replacement.id != second.invitation.id)
            #expect(resent.text == #"{"invitation":\#(Self.invitationJSON(replacement)),"link":"\#(provider.dependencies.settings.issuer)/invitations/\#(newToken)"}"#)
            let old = try await APIClient(browser: browser, token: nil).call(.get, "/api/v1/invitations/by-token/\(second.token)")
            #expect(try old.json()["state"] as? String == "replaced")
        }
    }

    @Test("inviting above one's rank is 403 and an address already invited there 409, with a problem body and nothing written")
    func invitationRefusals() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let email = provider.uniqueEmail()
            let above = try await api.call(.post, "/api/v1/invitations", json: #"{"email":"\#(email)","role":"client_admin","organization_id":"\#(apiID(organization.id))"}"#)
            #expect(above.status == .forbidden)
            #expect(above.text == #"{"detail":"your role does not allow inviting to this role there","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)
            let platform = try await api.call(.post, "/api/v1/invitations", json: #"{"email":"\#(email)","role":"operator"}"#)
            #expect(platform.status == .forbidden)
            let listed = try await provider.invitations.list(organizationID: organization.id, by: try await provider.principal(admin.user.id),
                                                            before: nil, limit: 10)
            #expect(listed.isEmpty)

            let json = #"{"email":"\#(email)","role":"client_user","organization_id":"\#(apiID(organization.id))"}"#
            #expect(try await api.call(.post, "/api/v1/invitations", json: json).status == .created)
            let duplicate = try await api.call(.post, "/api/v1/invitations", json: json)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.text == #"{"detail":"that address already has a pending invitation there","status":409,"title":"Conflict","type":"urn:gatehouse:problem:conflict"}"#)
        }
    }

    @Test("organization: read, rename and set the second-factor policy, list members by keyset, change a member's role, remove a member")
    func organization() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin, name: "Ada Lovelace")
            let member = try await provider.makeMember(of: organization, role: .clientUser, name: "Grace Hopper")
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let path = "/api/v1/organizations/\(apiID(organization.id))"

            let renamed = try await api.call(.patch, path, json: #"{"name":"Acme Widgets","second_factor":{"mode":"required","methods":["totp","email"]}}"#)
            #expect(renamed.status == .ok, "\(renamed.text)")
            let stored = try #require(try await provider.dependencies.organizations.organizations.find(id: organization.id))
            #expect(stored.name == "Acme Widgets")
            #expect(stored.secondFactor == .required([.authenticatorApp, .emailedCode]))
            #expect(renamed.text == Self.organizationJSON(organization, name: "Acme Widgets",
                                                          secondFactor: #"{"methods":["email","totp"],"mode":"required"}"#, updatedAt: stored.updatedAt))
            let empty = try await api.call(.patch, path, json: #"{"name":"Never Saved","second_factor":{"mode":"required","methods":[]}}"#)
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text == #"{"detail":"a required second factor needs at least one method","status":422,"title":"Invalid input","type":"urn:gatehouse:problem:invalid"}"#)
            #expect(try await provider.dependencies.organizations.organizations.find(id: organization.id)?.name == "Acme Widgets",
                     "a refused policy saves nothing")

            let memberships = provider.dependencies.organizations.memberships
            let adminRow = try #require(try await memberships.membership(organizationID: organization.id, userID: admin.user.id))
            let memberRow = try #require(try await memberships.membership(organizationID: organization.id, userID: member.user.id))
            func memberJSON(_ user: TestProvider.RegisteredUser, _ row: Membership, role: String) -> String {
                #"{"email":"\#(user.email)","joined_at":"\#(apiTime(row.createdAt))","name":"\#(user.user.name ?? "")","role":"\#(role)","user_id":"\#(apiID(user.user.id))"}"#
            }
            let first = try await api.call(.get, path + "/members?limit=1")
            #expect(first.status == .ok)
            let next = try #require(try first.json()["next"] as? String)
            #expect(first.text == #"{"items":[\#(memberJSON(admin, adminRow, role: "client_admin"))],"next":"\#(next)"}"#)
            let second = try await api.call(.get, path + "/members?limit=1&cursor=\(next)")
            #expect(second.text == #"{"items":[\#(memberJSON(member, memberRow, role: "client_user"))]}"#)

            let promoted = try await api.call(.put, path + "/members/\(apiID(member.user.id))/role", json: #"{"role":"client_admin"}"#)
            #expect(promoted.status == .forbidden, "a client_admin gives no role at their own rank")
            let platform = try await api.call(.put, path + "/members/\(apiID(member.user.id))/role", json: #"{"role":"operator"}"#)
            #expect(platform.status == .unprocessableContent)
            let same = try await api.call(.put, path + "/members/\(apiID(member.user.id))/role", json: #"{"role":"client_user"}"#)
            #expect(same.status == .ok)
            #expect(same.text == #"{"organization_id":"\#(apiID(organization.id))","role":"client_user","user_id":"\#(apiID(member.user.id))"}"#)

            let removed = try await api.call(.delete, path + "/members/\(apiID(member.user.id))")
            #expect(removed.status == .noContent)
            #expect(try await memberships.membership(organizationID: organization.id, userID: member.user.id) == nil)
            let gone = try await api.call(.delete, path + "/members/\(apiID(member.user.id))")
            #expect(gone.text == notFoundProblem)
        }
    }

    @Test("a platform operator changes a member's role within the rules")
    func operatorChangesRole() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let member = try await provider.makeMember(of: organization, role: .clientUser)
            let staff = try await provider.makeUser(name: "Olu Operator")
            try await provider.dependencies.organizations.memberships.setPlatformRole(.operator, userID: staff.user.id, at: provider.clock.now, by: nil)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: staff, client: browser.client))
            let promoted = try await api.call(.put, "/api/v1/organizations/\(apiID(organization.id))/members/\(apiID(member.user.id))/role",
                                              json: #"{"role":"client_admin"}"#)
            #expect(promoted.status == .ok, "\(promoted.text)")
            #expect(promoted.text == #"{"organization_id":"\#(apiID(organization.id))","role":"client_admin","user_id":"\#(apiID(member.user.id))"}"#)
        }
    }

    @Test("a client_admin of A reaching anything of B by its ids gets exactly the 404 an unknown id gets, on every route")
    func isolation() async throws {
        try await withProvider { provider, browser in
            let organizationA = try await provider.makeOrganization("Alpha"), organizationB = try await provider.makeOrganization("Beta")
            let adminA = try await provider.makeMember(of: organizationA, role: .clientAdmin)
            let adminB = try await provider.makeMember(of: organizationB, role: .clientAdmin)
            let memberB = try await provider.makeMember(of: organizationB, role: .clientUser)
            let invitationB = try await provider.invitations.invite(email: provider.uniqueEmail(), role: .clientUser,
                                                                    place: .organization(organizationB.id),
                                                                    by: try await provider.principal(adminB.user.id))
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: adminA, client: browser.client))
            let b = apiID(organizationB.id), member = apiID(memberB.user.id), invitation = apiID(invitationB.invitation.id)
            let unknown = apiID(UUID())
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/organizations/\(b)", nil),
                (.patch, "/api/v1/organizations/\(b)", #"{"name":"Taken"}"#),
                (.get, "/api/v1/organizations/\(b)/members", nil),
                (.put, "/api/v1/organizations/\(b)/members/\(member)/role", #"{"role":"client_user"}"#),
                (.delete, "/api/v1/organizations/\(b)/members/\(member)", nil),
                (.get, "/api/v1/invitations?organization_id=\(b)", nil),
                (.post, "/api/v1/invitations/\(invitation)/revoke", nil),
                (.post, "/api/v1/invitations/\(invitation)/resend", nil),
                (.post, "/api/v1/invitations", #"{"email":"x-\#(unknown)@example.test","role":"client_user","organization_id":"\#(b)"}"#),
            ]
            for (method, path, json) in calls {
                let theirs = try await api.call(method, path, json: json)
                let nothing = try await api.call(method, path.replacingOccurrences(of: b, with: unknown)
                    .replacingOccurrences(of: invitation, with: unknown), json: json)
                #expect(theirs.status == .notFound, "\(method) \(path): \(theirs.text)")
                #expect(theirs.text == notFoundProblem, "\(method) \(path)")
                #expect(nothing.text == notFoundProblem, "\(method) \(path) with an unknown id")
            }
            // Nothing of B changed.
            let stillB = try #require(try await provider.dependencies.organizations.organizations.find(id: organizationB.id))
            #expect(stillB.name == "Beta")
            #expect(try await provider.dependencies.organizations.memberships.membership(organizationID: organizationB.id, userID: memberB.user.id) != nil)
            let details = try #require(try await provider.invitations.details(token: invitationB.token))
            #expect(details.state == .pending)
        }
    }

    @Test("bad input is a 4xx problem, never a 500: unknown fields, wrong types, bad UTF-8, NUL, wrong media type, too large, bad paging")
    func badInput() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let path = "/api/v1/organizations/\(apiID(organization.id))"
            func problem(_ status: Int, _ title: String, _ name: String, _ detail: String) -> String {
                #"{"detail":"\#(detail)","status":\#(status),"title":"\#(title)","type":"urn:gatehouse:problem:\#(name)"}"#
            }
            let unknownField = try await api.call(.patch, path, json: #"{"name":"X","admin":true}"#)
            #expect(unknownField.status == .badRequest)
            #expect(unknownField.text == problem(400, "Bad request", "bad-request", "unknown field admin"))
            let nested = try await api.call(.patch, path, json: #"{"second_factor":{"mode":"off","extra":"1"}}"#)
            #expect(nested.text == problem(400, "Bad request", "bad-request", "unknown field second_factor.extra"))
            let null = try await api.call(.patch, path, json: #"{"name":null}"#)
            #expect(null.text == problem(400, "Bad request", "bad-request", "invalid value for name"))
            let wrongType = try await api.call(.patch, path, json: #"{"name":42}"#)
            #expect(wrongType.text == problem(400, "Bad request", "bad-request", "invalid value for name"))
            let nul = try await api.call(.patch, path, json: #"{"name":"A\u0000B"}"#)
            #expect(nul.text == problem(400, "Bad request", "bad-request", "invalid value for name"))
            let badUTF8 = try await api.call(.patch, path, bytes: Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
            #expect(badUTF8.status == .badRequest)
            #expect(badUTF8.text == problem(400, "Bad request", "bad-request", "the body is not one JSON object in UTF-8"))
            let array = try await api.call(.patch, path, json: "[]")
            #expect(array.status == .badRequest)
            let form = try await api.call(.patch, path, json: "name=X", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)
            let large = try await api.call(.patch, path, json: #"{"name":""# + String(repeating: "a", count: 20_000) + #""}"#)
            #expect(large.status == .contentTooLarge)
            #expect(large.text == problem(413, "Content too large", "body-too-large", "the body is larger than 16384 bytes"))
            let role = try await api.call(.post, "/api/v1/invitations", json: #"{"email":"a@example.test","role":"emperor"}"#)
            #expect(role.text == problem(400, "Bad request", "bad-request", "invalid value for role"))
            let missing = try await api.call(.post, "/api/v1/invitations", json: #"{"role":"client_user"}"#)
            #expect(missing.text == problem(400, "Bad request", "bad-request", "missing field email"))
            let email = try await api.call(.post, "/api/v1/invitations",
                                           json: #"{"email":"not an address","role":"client_user","organization_id":"\#(apiID(organization.id))"}"#)
            #expect(email.status == .unprocessableContent)
            // A cursor's time before 1970 or past the year 9999 is none the server wrote (and one
            // PostgreSQL would refuse as out of range).
            let id = UUID().uuidString.lowercased()
            for query in ["limit=0", "limit=abc", "limit=100000", "limit=200", "cursor=zzz", "cursor=", "limit=1&limit=2",
                          "cursor=9223372036854775807-\(id)", "cursor=253402300800000000-\(id)", "cursor=-1-\(id)",
                          "cursor=-9223372036854775807-\(id)"] {
                let response = try await api.call(.get, path + "/members?" + query)
                #expect(response.status == .badRequest, "\(query)")
            }
            // Empty is not absent here: it would list every invitation the caller sees.
            let emptyOrganization = try await api.call(.get, "/api/v1/invitations?organization_id=")
            #expect(emptyOrganization.text == problem(400, "Bad request", "bad-request", "invalid query parameter organization_id"))
            #expect(try await api.call(.get, "/api/v1/invitations?limit=200").status == .badRequest)
            let notUUID = try await api.call(.get, "/api/v1/organizations/not-a-uuid")
            #expect(notUUID.text == notFoundProblem)
        }
    }

    @Test("the OpenAPI document is served, and describes exactly the operations the module routes")
    func openAPIMatchesRoutes() async throws {
        try await withProvider { provider, browser in
            let served = try await browser.get("/api/v1/openapi.json")
            #expect(served.status == .ok)
            let document = try served.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let dependencies = GatehouseModules.api(provider.dependencies, SharedServices(provider.dependencies))
            let routed = Set(APIModule.operations(dependencies).map { "\($0.method.rawValue) \($0.path)" })
            #expect(routed == OpenAPIDocument.bundled.operations)
            #expect(routed.count == 45, "22 of organizations and roles, 6 of clients, 2 of the directory, 5 of the user lifecycle, 3 of API keys, 1 of the audit trail, 4 of bulk jobs, 2 of imports")
        }
    }

    static func roleJSON(_ role: CustomRole, name: String? = nil, permissions: [String]? = nil, updatedAt: Date? = nil) -> String {
        let organization = role.organizationID.map { #""organization_id":"\#(apiID($0))","# } ?? ""
        let listed = (permissions ?? role.permissions.sorted()).map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"created_at":"\#(apiTime(role.createdAt))","id":"\#(apiID(role.id))","name":"\#(name ?? role.name)",\#(organization)"permissions":[\#(listed)],"updated_at":"\#(apiTime(updatedAt ?? role.updatedAt))"}"#
    }

    @Test("permissions and global roles as a super_admin: define, list, create, read, rename, assign, unassign, delete (in use only with force)")
    func globalRoles() async throws {
        try await withProvider { provider, browser in
            let admin = try await provider.makeUser(name: "Sue Super")
            let memberships = provider.dependencies.organizations.memberships
            try await memberships.setPlatformRole(.superAdmin, userID: admin.user.id, at: provider.clock.now, by: nil)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let store = try provider.customRoles()
            let tag = "t" + UUID().uuidString.prefix(8).lowercased()

            let defined = try await api.call(.post, "/api/v1/permissions", json: #"{"name":"\#(tag):read","description":"Read the reports"}"#)
            #expect(defined.status == .created, "\(defined.text)")
            let permission = try #require(try await store.permissions().first { $0.name == "\(tag):read" })
            #expect(defined.text == #"{"created_at":"\#(apiTime(permission.createdAt))","description":"Read the reports","name":"\#(tag):read"}"#)
            #expect(try await api.call(.post, "/api/v1/permissions", json: #"{"name":"\#(tag):read"}"#).status == .conflict)
            let badName = try await api.call(.post, "/api/v1/permissions", json: #"{"name":"Not Valid"}"#)
            #expect(badName.status == .unprocessableContent)
            let listed = try await api.call(.get, "/api/v1/permissions")
            #expect(listed.text.contains(defined.text))

            let created = try await api.call(.post, "/api/v1/roles", json: #"{"name":"\#(tag).auditor","permissions":["\#(tag):read"]}"#)
            #expect(created.status == .created, "\(created.text)")
            let roleID = try #require(UUID(uuidString: try created.json().string("id")))
            let role = try #require(try await store.role(id: roleID))
            #expect(created.text == Self.roleJSON(role))
            #expect(try await api.call(.get, "/api/v1/roles/\(apiID(roleID))").text == Self.roleJSON(role))
            #expect(try await api.call(.get, "/api/v1/roles").text.contains(Self.roleJSON(role)))

            let renamed = try await api.call(.patch, "/api/v1/roles/\(apiID(roleID))", json: #"{"name":"\#(tag).reader"}"#)
            let stored = try #require(try await store.role(id: roleID))
            #expect(renamed.text == Self.roleJSON(role, name: "\(tag).reader", updatedAt: stored.updatedAt))

            let user = try await provider.makeUser(name: "Pat Person")
            let path = "/api/v1/roles/\(apiID(roleID))/users/\(apiID(user.user.id))"
            #expect(try await api.call(.put, path).status == .noContent)
            #expect(try await store.assignedRoles(userID: user.user.id).map(\.id) == [roleID])
            let inUse = try await api.call(.delete, "/api/v1/roles/\(apiID(roleID))")
            #expect(inUse.status == .conflict)
            #expect(inUse.text == #"{"detail":"the role is assigned to 1 users; delete it with force=true to unassign it","status":409,"title":"Conflict","type":"urn:gatehouse:problem:conflict"}"#)
            #expect(try await api.call(.delete, path).status == .noContent)
            #expect(try await api.call(.delete, path).text == notFoundProblem)
            #expect(try await api.call(.put, path).status == .noContent)
            #expect(try await api.call(.delete, "/api/v1/roles/\(apiID(roleID))?force=true").status == .noContent)
            #expect(try await store.role(id: roleID) == nil)
            #expect(try await store.assignedRoles(userID: user.user.id).isEmpty)

            #expect(try await api.call(.delete, "/api/v1/permissions/\(tag):read").status == .noContent)
            #expect(try await api.call(.delete, "/api/v1/permissions/\(tag):read").text == notFoundProblem)
        }
    }

    @Test("a client_admin manages their organization's roles; another organization's roles answer the 404 of an unknown id on every route")
    func organizationRoles() async throws {
        try await withProvider { provider, browser in
            let organizationA = try await provider.makeOrganization("Alpha"), organizationB = try await provider.makeOrganization("Beta")
            let adminA = try await provider.makeMember(of: organizationA, role: .clientAdmin)
            let memberA = try await provider.makeMember(of: organizationA, role: .clientUser)
            let memberB = try await provider.makeMember(of: organizationB, role: .clientUser)
            let tag = "t" + UUID().uuidString.prefix(8).lowercased()
            let roleB = try await provider.assignCustomRole("viewer", permissions: ["view"], organization: organizationB, to: memberB.user.id, tag: tag)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: adminA, client: browser.client))
            let store = try provider.customRoles()

            let created = try await api.call(.post, "/api/v1/roles",
                                             json: #"{"name":"\#(tag).helper","permissions":[],"organization_id":"\#(apiID(organizationA.id))"}"#)
            #expect(created.status == .created, "\(created.text)")
            let createdID = try #require(UUID(uuidString: try created.json().string("id")))
            let role = try #require(try await store.role(id: createdID))
            #expect(created.text == Self.roleJSON(role))
            #expect(try await api.call(.get, "/api/v1/roles?organization_id=\(apiID(organizationA.id))").text == #"{"items":[\#(Self.roleJSON(role))]}"#)
            #expect(try await api.call(.put, "/api/v1/roles/\(apiID(role.id))/users/\(apiID(memberA.user.id))").status == .noContent)
            let global = try await api.call(.get, "/api/v1/roles")
            #expect(global.status == .forbidden, "global roles are site_admin's and above")
            let define = try await api.call(.post, "/api/v1/permissions", json: #"{"name":"\#(tag):write"}"#)
            #expect(define.status == .forbidden)
            let notHeld = try await api.call(.post, "/api/v1/roles",
                                             json: #"{"name":"\#(tag).viewer","permissions":["\#(tag):view"],"organization_id":"\#(apiID(organizationA.id))"}"#)
            #expect(notHeld.text == #"{"detail":"you do not hold the permission \#(tag):view","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)

            let b = apiID(roleB.id), unknown = apiID(UUID()), member = apiID(memberB.user.id)
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/roles/\(b)", nil),
                (.patch, "/api/v1/roles/\(b)", #"{"name":"\#(tag).taken"}"#),
                (.delete, "/api/v1/roles/\(b)?force=true", nil),
                (.put, "/api/v1/roles/\(b)/users/\(member)", nil),
                (.delete, "/api/v1/roles/\(b)/users/\(member)", nil),
            ]
            for (method, path, json) in calls {
                let theirs = try await api.call(method, path, json: json)
                #expect(theirs.text == notFoundProblem, "\(method) \(path): \(theirs.text)")
                #expect(try await api.call(method, path.replacingOccurrences(of: b, with: unknown), json: json).text == notFoundProblem)
            }
            let bOrganization = apiID(organizationB.id)
            #expect(try await api.call(.get, "/api/v1/roles?organization_id=\(bOrganization)").text == notFoundProblem)
            #expect(try await api.call(.get, "/api/v1/roles?organization_id=\(unknown)").text == notFoundProblem)
            let intoB = try await api.call(.post, "/api/v1/roles", json: #"{"name":"\#(tag).spy","organization_id":"\#(bOrganization)"}"#)
            #expect(intoB.text == notFoundProblem)
            // B's role is as it was, and still assigned.
            let stillB = try #require(try await store.role(id: roleB.id))
            #expect(stillB.name == roleB.name && stillB.permissions == roleB.permissions && stillB.updatedBy == nil)
            #expect(try await store.assignedRoles(userID: memberB.user.id).map(\.id) == [roleB.id])
        }
    }

    @Test("an account accepts an invitation to its own address by the link's token: 200 once, then 409; another account gets 403")
    func acceptByToken() async throws {
        try await withProvider { provider, browser in
            let organization = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: organization, role: .clientAdmin)
            let invitee = try await provider.makeUser(name: "Ivy Invitee"), stranger = try await provider.makeUser(name: "Sam Stranger")
            let issued = try await provider.invitations.invite(email: invitee.email, role: .clientUser, place: .organization(organization.id),
                                                               by: try await provider.principal(admin.user.id))
            let path = "/api/v1/invitations/by-token/\(issued.token)/accept"

            let other = try await APIClient(browser: browser, token: try await provider.apiToken(for: stranger, client: browser.client)).call(.post, path)
            #expect(other.status == .forbidden)
            #expect(other.text == #"{"detail":"the invitation is for another address","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)

            let api = APIClient(browser: browser, token: try await provider.apiToken(for: invitee, client: browser.client))
            let accepted = try await api.call(.post, path)
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.text == Self.invitationJSON(issued.invitation, state: "accepted"))
            let membership = try await provider.dependencies.organizations.memberships.membership(organizationID: organization.id, userID: invitee.user.id)
            #expect(membership?.role == .clientUser)
            let again = try await api.call(.post, path)
            #expect(again.status == .conflict)
            #expect(again.text == #"{"detail":"the invitation is accepted, not pending","status":409,"title":"Conflict","type":"urn:gatehouse:problem:conflict"}"#)
            #expect(try await api.call(.post, "/api/v1/invitations/by-token/nothing-here/accept").text == notFoundProblem)
        }
    }

    @Test("every operation but the document and the link's details refuses a request without a token (401) and a token without gatehouse:manage (403)")
    func everyOperationNeedsTheScope() async throws {
        try await withProvider { provider, browser in
            let user = try await provider.makeUser()
            let narrow = try await provider.apiToken(for: user, client: browser.client, scope: "openid profile")
            let dependencies = GatehouseModules.api(provider.dependencies, SharedServices(provider.dependencies))
            let open: Set<String> = ["GET /api/v1/openapi.json", "GET /api/v1/invitations/by-token/{token}"]
            var checked = 0
            for operation in APIModule.operations(dependencies) where !open.contains("\(operation.method.rawValue) \(operation.path)") {
                let path = operation.path.replacingOccurrences(of: "{id}", with: apiID(UUID()))
                    .replacingOccurrences(of: "{user_id}", with: apiID(UUID())).replacingOccurrences(of: "{token}", with: "t")
                    .replacingOccurrences(of: "{name}", with: "reports:read")
                let json: String? = [.post, .patch, .put].contains(operation.method) ? "{}" : nil
                let none = try await APIClient(browser: browser, token: nil).call(operation.method, path, json: json)
                #expect(none.status == .unauthorized, "\(operation.method) \(path)")
                #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse""#)
                let refused = try await APIClient(browser: browser, token: narrow).call(operation.method, path, json: json)
                #expect(refused.status == .forbidden, "\(operation.method) \(path)")
                #expect(refused.text == #"{"detail":"the access token was not granted the scope gatehouse:manage","status":403,"title":"Insufficient scope","type":"urn:gatehouse:problem:insufficient-scope"}"#)
                checked += 1
            }
            #expect(checked == 43)
        }
    }
}
