import Foundation
import GatehouseCore
@testable import GatehouseWeb
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Issue 10 item 6: with the scope `organization` the ID token and userinfo carry `org_id`,
/// `org_slug`, `org_name` of the active organization; with `roles` they carry `roles` (the
/// platform role and the active organization's roles, never another organization's), and access
/// tokens carry `roles` and `permissions`. Read at issue time: a removed role is gone at the next
/// refresh. A refresh token stays bound to its organization.
@Suite("Organization and role claims in tokens and userinfo")
struct OrganizationClaimsTests {
    let tag = "k" + UUID().uuidString.prefix(8).lowercased()

    /// A member of Acme (client_admin, one custom role there and a global one) and of Globex
    /// (client_user, one custom role there), holding the platform role `operator`.
    func member(_ provider: TestProvider) async throws -> (user: TestProvider.RegisteredUser, acme: Organization, globex: Organization) {
        let user = try await provider.makeUser()
        let acme = try await provider.makeOrganization("Acme Ltd"), globex = try await provider.makeOrganization("Globex")
        try await provider.addMember(user.user.id, to: acme, role: .clientAdmin)
        try await provider.addMember(user.user.id, to: globex, role: .clientUser)
        try await provider.dependencies.organizations.memberships.setPlatformRole(.operator, userID: user.user.id,
                                                                                   at: provider.clock.now, by: nil)
        _ = try await provider.assignCustomRole("auditor", permissions: ["audit"], organization: nil, to: user.user.id, tag: tag)
        _ = try await provider.assignCustomRole("billing", permissions: ["billing", "invoices"], organization: acme, to: user.user.id, tag: tag)
        _ = try await provider.assignCustomRole("reports", permissions: ["reports"], organization: globex, to: user.user.id, tag: tag)
        return (user, acme, globex)
    }

    @Test("scopes organization and roles: the ID token, the access token and userinfo, claim by claim")
    func everyClaim() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, acme, _) = try await member(provider)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(acme.slug)
            let code = try #require(try await rp.signIn(user, request)["code"])
            let (tokens, idToken, accessToken) = try await rp.redeemedClaims(code: code, verifier: request.verifier)

            let acmeRoles = ["operator", "client_admin", "\(tag).auditor", "\(tag).billing"]
            #expect(idToken["org_id"] as? String == acme.id.uuidString.lowercased())
            #expect(idToken["org_slug"] as? String == acme.slug)
            #expect(idToken["org_name"] as? String == "Acme Ltd")
            #expect(idToken["roles"] as? [String] == acmeRoles)
            #expect(idToken["permissions"] == nil, "permissions are for resource servers: access tokens only")

            #expect(accessToken["org_id"] as? String == acme.id.uuidString.lowercased())
            #expect(accessToken["roles"] as? [String] == acmeRoles)
            #expect(accessToken["permissions"] as? [String] == ["\(tag):audit", "\(tag):billing", "\(tag):invoices"])
            #expect(accessToken["org_slug"] == nil && accessToken["org_name"] == nil)

            let info = try await rp.userinfo(try tokens.string("access_token")).json()
            #expect(info["org_id"] as? String == acme.id.uuidString.lowercased())
            #expect(info["org_slug"] as? String == acme.slug)
            #expect(info["org_name"] as? String == "Acme Ltd")
            #expect(info["roles"] as? [String] == acmeRoles)
            #expect(info["permissions"] == nil)
        }
    }

    @Test("each scope alone adds only its own claims; without them there are none")
    func scopesApart() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, acme, _) = try await member(provider)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)

            let organizationOnly = TestRelyingParty.Request.organization(acme.slug, scope: "openid organization")
            var code = try #require(try await rp.signIn(user, organizationOnly)["code"])
            var (tokens, idToken, accessToken) = try await rp.redeemedClaims(code: code, verifier: organizationOnly.verifier)
            #expect(idToken["org_slug"] as? String == acme.slug)
            #expect(idToken["roles"] == nil)
            #expect(accessToken["org_id"] as? String == acme.id.uuidString.lowercased())
            #expect(accessToken["roles"] == nil && accessToken["permissions"] == nil)
            #expect(try await rp.userinfo(try tokens.string("access_token")).json()["roles"] == nil)

            let rolesOnly = TestRelyingParty.Request.organization(acme.slug, scope: "openid roles")
            code = try #require(try await rp.signIn(user, rolesOnly)["code"])
            (tokens, idToken, accessToken) = try await rp.redeemedClaims(code: code, verifier: rolesOnly.verifier)
            #expect(idToken["org_id"] == nil && idToken["org_slug"] == nil && idToken["org_name"] == nil)
            #expect(idToken["roles"] as? [String] == ["operator", "client_admin", "\(tag).auditor", "\(tag).billing"])
            #expect(accessToken["org_id"] as? String == acme.id.uuidString.lowercased(), "whose roles they are")
            let info = try await rp.userinfo(try tokens.string("access_token")).json()
            #expect(info["org_slug"] == nil && info["roles"] != nil)

            let neither = TestRelyingParty.Request.organization(acme.slug, scope: "openid profile")
            code = try #require(try await rp.signIn(user, neither)["code"])
            (tokens, idToken, accessToken) = try await rp.redeemedClaims(code: code, verifier: neither.verifier)
            for claims in [idToken, accessToken, try await rp.userinfo(try tokens.string("access_token")).json()] {
                #expect(["org_id", "org_slug", "org_name", "roles", "permissions"].allSatisfy { claims[$0] == nil }, "\(claims)")
            }
        }
    }

    @Test("two grants on two organizations (two tabs): each refresh keeps its own org_id and roles")
    func twoTabs() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let (user, acme, globex) = try await member(provider)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let tabA = TestRelyingParty.Request.organization(acme.slug), tabB = TestRelyingParty.Request.organization(globex.slug)
            let codeA = try #require(try await rp.signIn(user, tabA)["code"])
            let codeB = try #require(try await rp.signIn(user, tabB)["code"])
            var refreshA = try await rp.redeemedClaims(code: codeA, verifier: tabA.verifier).tokens.string("refresh_token")
            var refreshB = try await rp.redeemedClaims(code: codeB, verifier: tabB.verifier).tokens.string("refresh_token")

            for _ in 0..<2 {
                // Interleaved, as two tabs would.
                let a = try await rp.refreshedClaims(refreshA), b = try await rp.refreshedClaims(refreshB)
                #expect(a.idToken["org_id"] as? String == acme.id.uuidString.lowercased())
                #expect(a.accessToken["org_id"] as? String == acme.id.uuidString.lowercased())
                #expect(a.idToken["roles"] as? [String] == ["operator", "client_admin", "\(tag).auditor", "\(tag).billing"])
                #expect(b.idToken["org_id"] as? String == globex.id.uuidString.lowercased())
                #expect(b.accessToken["org_id"] as? String == globex.id.uuidString.lowercased())
                #expect(b.idToken["roles"] as? [String] == ["operator", "client_user", "\(tag).auditor", "\(tag).reports"])
                #expect(b.accessToken["permissions"] as? [String] == ["\(tag):audit", "\(tag):reports"])
                refreshA = try a.tokens.string("refresh_token")
                refreshB = try b.tokens.string("refresh_token")
            }
        }
    }

    @Test("roles are read at issue time: a role taken away is gone at the next refresh, a role given appears")
    func removedRoleGoneAtRefresh() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme")
            try await provider.addMember(user.user.id, to: acme, role: .clientAdmin)
            let billing = try await provider.assignCustomRole("billing", permissions: ["billing"], organization: acme, to: user.user.id, tag: tag)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(acme.slug)
            let code = try #require(try await rp.signIn(user, request)["code"])
            let first = try await rp.redeemedClaims(code: code, verifier: request.verifier)
            #expect(first.accessToken["roles"] as? [String] == ["client_admin", "\(tag).billing"])
            #expect(first.accessToken["permissions"] as? [String] == ["\(tag):billing"])

            _ = try await provider.customRoles().unassign(roleID: billing.id, userID: user.user.id)
            try await provider.addMember(user.user.id, to: acme, role: .clientUser)
            let second = try await rp.refreshedClaims(try first.tokens.string("refresh_token"))
            #expect(second.accessToken["roles"] as? [String] == ["client_user"])
            #expect(second.accessToken["permissions"] as? [String] == [])
            #expect(second.idToken["roles"] as? [String] == ["client_user"])
            #expect(try await rp.userinfo(try second.tokens.string("access_token")).json()["roles"] as? [String] == ["client_user"])
        }
    }

    @Test("a member removed from the grant's organization: refresh is invalid_grant and the grant is revoked; userinfo invalid_token")
    func membershipEnded() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme")
            try await provider.addMember(user.user.id, to: acme)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request.organization(acme.slug)
            let code = try #require(try await rp.signIn(user, request)["code"])
            let tokens = try await rp.redeemedClaims(code: code, verifier: request.verifier).tokens
            try await provider.dependencies.organizations.memberships.remove(organizationID: acme.id, userID: user.user.id)

            expectBearerError(try await rp.userinfo(try tokens.string("access_token")), .unauthorized, "invalid_token",
                              "the user no longer belongs to the organization of this grant")
            let refresh = try await rp.token([("grant_type", "refresh_token"), ("refresh_token", try tokens.string("refresh_token"))])
            expectOAuthError(refresh, .badRequest, "invalid_grant", "the user no longer belongs to the organization of this grant")
            // The grant ended: even back in the organization, its tokens stay dead.
            try await provider.addMember(user.user.id, to: acme)
            expectBearerError(try await rp.userinfo(try tokens.string("access_token")), .unauthorized, "invalid_token",
                              "the access token was revoked")
        }
    }

    @Test("speed: a code exchange reads roles and organization in one query, a refresh in its rotation's statement, and only when the scopes ask for them")
    func oneQueryOnlyWhenAsked() async throws {
        try await withProvider { provider, _ in
            let client = try await provider.makeClient()
            let (user, acme, _) = try await member(provider)
            let counting = CountingMembershipStore(base: provider.dependencies.organizations.memberships)
            var dependencies = provider.dependencies
            dependencies.organizations.memberships = counting
            try await provider.application(dependencies).test(.router) { counted in
                let rp = TestRelyingParty(provider: provider, client: client, browser: TestBrowser(counted))
                for (scope, expected) in [("openid organization roles offline_access", ["claims": 1]),
                                          ("openid roles offline_access", ["claims": 1]),
                                          ("openid profile offline_access", [:])] {
                    let request = TestRelyingParty.Request.organization(acme.slug, scope: scope)
                    let code = try #require(try await rp.signIn(user, request)["code"])
                    counting.reset()
                    let refreshToken = try await rp.redeemedClaims(code: code, verifier: request.verifier).tokens.string("refresh_token")
                    #expect(counting.calls == expected, "code exchange, \(scope)")
                    counting.reset()
                    _ = try await rp.refreshedClaims(refreshToken)
                    #expect(counting.calls == [:], "refresh, \(scope): the rotation read them")
                }
            }
        }
    }

    @Test("discovery lists both scopes and the claims; the consent page says what they share in plain words")
    func discoveryAndConsent() async throws {
        try await withProvider { provider, browser in
            let discovery = try await browser.get("/.well-known/openid-configuration").json()
            let scopes = try #require(discovery["scopes_supported"] as? [String])
            #expect(scopes == ["openid", "profile", "email", "offline_access", "organization", "roles", "gatehouse:manage"])
            let claims = try #require(discovery["claims_supported"] as? [String])
            #expect(["org_id", "org_slug", "org_name", "roles"].allSatisfy(claims.contains))

            let client = try await provider.makeClient(name: "Reports")
            let user = try await provider.makeUser()
            let acme = try await provider.makeOrganization("Acme")
            try await provider.addMember(user.user.id, to: acme)
            _ = try await browser.signInDirectly(user.email, user.password)
            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let start = try await browser.get(rp.authorizeURL(.organization(acme.slug)))
            let consent = try await browser.get(try #require(start.location))
            #expect(consent.text.contains("See which organization you signed in for (its name and identifier)"))
            #expect(consent.text.contains("See your roles and permissions in that organization"))
        }
    }
}
