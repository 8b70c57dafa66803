import Foundation
import GatehouseCore
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// `/api/v1/users` (issue 11): the directory as JSON for the platform roles and, within their
/// organizations, `client_admin`s; exact bodies, cursors, and the refusals as RFC 9457 problems.
@Suite("The users API")
struct UserAPITests {
    static func body(_ user: User, secondFactor: Bool = false, platformRole: String? = nil, memberships: String? = nil) -> String {
        var fields = [#""created_at":"\#(apiTime(user.createdAt))""#, #""email":"\#(user.email)""#,
                      #""email_verified":\#(user.emailVerified)"#, #""id":"\#(apiID(user.id))""#]
        if let memberships { fields.append(#""memberships":\#(memberships)"#) }
        if let name = user.name { fields.append(#""name":"\#(name)""#) }
        if let platformRole { fields.append(#""platform_role":"\#(platformRole)""#) }
        fields.append(#""second_factor":\#(secondFactor)"#)
        return "{" + fields.joined(separator: ",") + "}"
    }

    @Test("an operator finds users by text and filter, page by page; one user reads with their memberships")
    func operatorSearches() async throws {
        try await withProvider { provider, browser in
            let operatorUser = try await provider.makeUser()
            try await provider.dependencies.organizations.memberships.setPlatformRole(.operator, userID: operatorUser.user.id, at: provider.clock.now, by: nil)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: operatorUser, client: browser.client))
            let organization = try await provider.makeOrganization()
            let marker = "apimark" + UUID().uuidString.prefix(8).lowercased()
            var made: [User] = []
            for _ in 0..<3 {
                made.append(try await provider.makeMember(of: organization, role: .clientUser, name: "Searched \(marker)").user)
                provider.clock.advance(by: .seconds(1))
            }
            let first = try await api.call(.get, "/api/v1/users?limit=2&q=" + marker.uppercased())
            #expect(first.status == .ok)
            let json = try first.json()
            let next = try #require(json["next"] as? String)
            #expect(json["previous"] == nil)
            #expect(first.text == #"{"items":[\#(Self.body(made[2])),\#(Self.body(made[1]))],"next":"\#(next)"}"#)
            let second = try await api.call(.get, "/api/v1/users?limit=2&q=\(marker)&cursor=" + next)
            let previous = try #require(try second.json()["previous"] as? String)
            #expect(second.text == #"{"items":[\#(Self.body(made[0]))],"previous":"\#(previous)"}"#)

            let filtered = try await api.call(.get, "/api/v1/users?organization_id=\(apiID(organization.id))&role=client_user&second_factor=none&order=last_sign_in")
            #expect(try (filtered.json()["items"] as? [Any])?.count == 3)
            let one = try await api.call(.get, "/api/v1/users/" + apiID(made[0].id))
            #expect(one.text == Self.body(made[0], memberships: #"[{"organization_id":"\#(apiID(organization.id))","role":"client_user"}]"#))

            for (query, name) in [("limit=0", "limit"), ("order=oldest", "order"), ("role=king", "role"), ("second_factor=yes", "second_factor"),
                                  ("organization_id=acme", "organization_id"), ("cursor=xyz", "cursor"), ("q=", "q"),
                                  ("cursor=" + next + "&order=last_sign_in", "cursor")] {
                let bad = try await api.call(.get, "/api/v1/users?" + query)
                #expect(bad.status == .badRequest, "\(query)")
                #expect(bad.text == #"{"detail":"invalid query parameter \#(name)","status":400,"title":"Bad request","type":"urn:gatehouse:problem:bad-request"}"#)
            }
            for text in ["%25", "_", "%27", "%5C", String(repeating: "x%25_", count: 2_000)] {
                let odd = try await api.call(.get, "/api/v1/users?q=" + text)
                #expect(odd.status == .ok, "\(text.prefix(12))")
            }
        }
    }

    @Test("a client_admin sees their members only (another organization's user is 404); a client_user is refused")
    func scopes() async throws {
        try await withProvider { provider, browser in
            let mine = try await provider.makeOrganization(), theirs = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: mine, role: .clientAdmin)
            let member = try await provider.makeMember(of: mine, role: .clientUser)
            let stranger = try await provider.makeMember(of: theirs, role: .clientUser)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let listed = try await api.call(.get, "/api/v1/users?organization_id=" + apiID(theirs.id))
            #expect(listed.text == #"{"items":[]}"#)
            let own = try await api.call(.get, "/api/v1/users?organization_id=" + apiID(mine.id))
            #expect(own.text.contains(member.email))
            #expect(!own.text.contains(stranger.email))
            let hidden = try await api.call(.get, "/api/v1/users/" + apiID(stranger.user.id))
            #expect(hidden.status == .notFound)
            #expect(hidden.text == #"{"detail":"there is nothing here","status":404,"title":"Not found","type":"urn:gatehouse:problem:not-found"}"#)
            #expect((try await api.call(.get, "/api/v1/users/" + apiID(UUID()))).text == hidden.text)

            let plain = APIClient(browser: browser, token: try await provider.apiToken(for: member, client: browser.client))
            let refused = try await plain.call(.get, "/api/v1/users")
            #expect(refused.status == .forbidden)
            #expect(refused.text == #"{"detail":"your role does not allow this","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)
        }
    }
}
