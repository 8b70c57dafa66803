import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// `GET /api/v1/audit-events` (issue 11 items 7 and 10) on PostgreSQL: the filters, the exact
/// body of an event, keyset pages by cursor, bad parameters as problems; the platform roles read
/// everything, a client_admin one organization of theirs. Each test records under ids of its own.
@Suite("API: the audit trail")
struct AuditAPITests {
    @Test("an operator pages a client's events by cursor; each event exactly as stored, address revealed")
    func pages() async throws {
        try await withProvider { provider, browser in
            let staff = try await provider.makeUser(name: "Olu Operator")
            try await provider.dependencies.organizations.memberships.setPlatformRole(.operator, userID: staff.user.id, at: provider.clock.now, by: nil)
            let client = "api-audit-" + UUID().uuidString.prefix(8).lowercased()
            let subject = UUID()
            try await AdminAuditTests.record(provider, client: client, subject: subject, count: 5)
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: staff, client: browser.client))
            let first = try await api.call(.get, "/api/v1/audit-events?client_id=\(client)&limit=2")
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.headers[.contentType] == "application/json")
            let body = try first.json()
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.count == 2)
            let id = try #require(items.first?["id"] as? Int)
            #expect(first.text.hasPrefix(#"{"items":[{"id":\#(id),"type":"sign_in_failed","occurred_at":"2027-01-15T08:05:00.000000Z","actor":"client:\#(client)","subject":"\#(subject.uuidString.lowercased())","client_id":"\#(client)","ip":"203.0.113.9","user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0","details":{"n":"5","reason":"invalid_credentials"}},"#))
            var seen = items.compactMap { ($0["details"] as? [String: String])?["n"] }
            var next = body["next"] as? String
            var calls = 1
            while let cursor = next, calls < 5 {
                let page = try await api.call(.get, "/api/v1/audit-events?client_id=\(client)&limit=2&cursor=\(cursor)")
                let json = try page.json()
                seen += (json["items"] as? [[String: Any]] ?? []).compactMap { ($0["details"] as? [String: String])?["n"] }
                next = json["next"] as? String
                calls += 1
            }
            #expect(seen == ["5", "4", "3", "2", "1"])
            #expect(calls == 3)
            let narrowed = try await api.call(.get, "/api/v1/audit-events?client_id=\(client)&subject=\(subject.uuidString.lowercased())&type=sign_in_failed,mfa_used&from=2027-01-15T08:02:00Z&to=2027-01-15T08:04:00Z")
            #expect((try narrowed.json()["items"] as? [[String: Any]])?.compactMap { ($0["details"] as? [String: String])?["n"] } == ["3", "2"])
            let none = try await api.call(.get, "/api/v1/audit-events?client_id=\(client)&type=sign_in_succeeded")
            #expect(none.text == #"{"items":[],"next":null}"#)

            for (query, name) in [("actor=admin", "actor"), ("subject=ada", "subject"), ("organization_id=acme", "organization_id"),
                                  ("type=Sign%20in", "type"), ("from=yesterday", "from"), ("to=1969-12-31", "to"), ("cursor=zzz", "cursor"),
                                  ("limit=201", "limit"), ("client_id=", "client_id")] {
                let refused = try await api.call(.get, "/api/v1/audit-events?" + query)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.text == #"{"detail":"invalid query parameter \#(name)","status":400,"title":"Bad request","type":"urn:gatehouse:problem:bad-request"}"#, "\(query)")
            }
        }
    }

    @Test("a client_admin reads their organization's events without addresses; another organization is 404, none of several is 400; a client_user 403")
    func clientAdmin() async throws {
        try await withProvider { provider, browser in
            let mine = try await provider.makeOrganization(), theirs = try await provider.makeOrganization()
            let admin = try await provider.makeMember(of: mine, role: .clientAdmin)
            let subject = UUID()
            for organization in [mine, theirs] {
                await provider.audit.record(AuditEvent(
                    type: .memberRoleChanged, occurredAt: Date(timeIntervalSince1970: 1_800_000_000), actor: AuditEvent.user(admin.user.id),
                    subject: subject, ip: "203.0.113.7", userAgent: "Mozilla/5.0",
                    details: ["organization_id": apiID(organization.id), "from": "client_user", "to": "client_admin"]))
            }
            let api = APIClient(browser: browser, token: try await provider.apiToken(for: admin, client: browser.client))
            let own = try await api.call(.get, "/api/v1/audit-events?subject=\(apiID(subject))")
            #expect(own.status == .ok)
            let items = try #require(try own.json()["items"] as? [[String: Any]])
            #expect(items.count == 1)
            let id = try #require(items.first?["id"] as? Int)
            #expect(own.text == #"{"items":[{"id":\#(id),"type":"member_role_changed","occurred_at":"2027-01-15T08:00:00.000000Z","actor":"user:\#(apiID(admin.user.id))","subject":"\#(apiID(subject))","client_id":null,"ip":null,"user_agent":null,"details":{"from":"client_user","organization_id":"\#(apiID(mine.id))","to":"client_admin"}}],"next":null}"#)
            let named = try await api.call(.get, "/api/v1/audit-events?subject=\(apiID(subject))&organization_id=\(apiID(mine.id))")
            #expect(named.text == own.text)
            let elsewhere = try await api.call(.get, "/api/v1/audit-events?organization_id=\(apiID(theirs.id))")
            #expect(elsewhere.text == notFoundProblem)
            #expect(try await api.call(.get, "/api/v1/audit-events?organization_id=\(apiID(UUID()))").text == notFoundProblem)

            try await provider.addMember(admin.user.id, to: theirs, role: .clientAdmin)
            let several = try await api.call(.get, "/api/v1/audit-events")
            #expect(several.text == #"{"detail":"name one of the organizations you administer in organization_id","status":400,"title":"Bad request","type":"urn:gatehouse:problem:bad-request"}"#)

            let member = try await provider.makeMember(of: mine, role: .clientUser)
            let refused = try await APIClient(browser: browser, token: try await provider.apiToken(for: member, client: browser.client))
                .call(.get, "/api/v1/audit-events?organization_id=\(apiID(mine.id))")
            #expect(refused.status == .forbidden)
            #expect(refused.text == #"{"detail":"only the platform roles and organization admins read the audit trail","status":403,"title":"Forbidden","type":"urn:gatehouse:problem:forbidden"}"#)
        }
    }
}
