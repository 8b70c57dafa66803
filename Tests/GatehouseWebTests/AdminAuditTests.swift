import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseTestingStack
@testable import GatehouseWeb
import HummingbirdTesting
import Testing

/// `/admin/audit` and its export on PostgreSQL (issue 11 item 7): the filters, the revealed
/// address, keyset pages, the JSON lines, and who may look (the platform roles only). Each test
/// records events under a client id of its own and filters by it, so the shared trail's other
/// events never show.
@Suite("The console's audit trail")
struct AdminAuditTests {
    /// `count` sign-in failures through a client of the test's own, the oldest first, one minute apart.
    static func record(_ provider: TestProvider, client: String, subject: UUID, count: Int) async throws {
        for number in 1...count {
            await provider.audit.record(AuditEvent(
                type: .signInFailed, occurredAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(number * 60)),
                actor: AuditEvent.client(client), subject: subject, clientID: client, ip: "203.0.113.9",
                userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                details: ["n": String(number), "reason": "invalid_credentials"]))
        }
    }

    static func unescaped(_ href: String) -> String { href.replacingOccurrences(of: "&amp;", with: "&") }

    static func olderLink(_ text: String) -> String? {
        guard let end = text.range(of: "\" rel=\"next\">Older ›</a>") else { return nil }
        let before = text[..<end.lowerBound]
        guard let start = before.range(of: "<a href=\"", options: .backwards) else { return nil }
        return unescaped(String(before[start.upperBound...]))
    }

    @Test("an operator filters by client: the events newest first in words, with the address and subject, 50 a page, then Older")
    func filterAndPages() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.operator, provider)
            let client = "audit-" + UUID().uuidString.prefix(8).lowercased()
            let subject = UUID()
            try await Self.record(provider, client: client, subject: subject, count: 53)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let first = try await browser.get("/admin/audit?client=" + client)
            #expect(first.status == .ok)
            #expect(first.text.contains(#"<a href="/admin/audit" aria-current="page">Audit</a>"#))
            #expect(first.text.contains(#"<input id="client" name="client" type="text" maxlength="300" autocapitalize="none" spellcheck="false" value="\#(client)">"#))
            #expect(first.text.components(separatedBy: #"<strong title="sign_in_failed">Sign-in failed</strong>"#).count == 51)
            #expect(first.text.contains(#"<time class="fine-inline" datetime="2027-01-15T08:53:00.000000Z">15 Jan 2027, 08:53 UTC</time>"#))
            let id = subject.uuidString.lowercased()
            #expect(first.text.contains("by client:\(client) · about <a href=\"/admin/users/\(id)\" title=\"\(id)\">user \(id.prefix(8))…</a> · client \(client)</span>"))
            #expect(first.text.contains("from 203.0.113.9 · <span title=\"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\">"))
            #expect(first.text.contains("n: 53 · reason: invalid_credentials"))
            #expect(!first.text.contains("n: 3 · reason"))
            #expect(first.text.contains(#"<a href="/admin/audit/export?client=\#(client)" id="audit-export" download>Export as JSON lines</a>"#))
            let older = try #require(Self.olderLink(first.text))
            #expect(older.hasPrefix("/admin/audit?client=\(client)&cursor="))
            let second = try await browser.get(older)
            #expect(second.status == .ok)
            #expect(second.text.contains("n: 3 · reason"))
            #expect(second.text.contains("n: 1 · reason"))
            #expect(!second.text.contains("n: 4 · reason"))
            #expect(Self.olderLink(second.text) == nil)
            #expect(second.text.contains(#"<a href="/admin/audit?client=\#(client)" rel="first">‹ Newest</a>"#))

            // Filters narrow together: a type that did not happen, a time range.
            let none = try await browser.get("/admin/audit?client=\(client)&type=sign_in_succeeded")
            #expect(none.text.contains("No event matches."))
            let day = try await browser.get("/admin/audit?client=\(client)&from=2027-01-15&to=2027-01-15")
            #expect(day.text.components(separatedBy: #"<strong title="sign_in_failed">"#).count == 51)
            let before = try await browser.get("/admin/audit?client=\(client)&to=2027-01-14")
            #expect(before.text.contains("No event matches."))
        }
    }

    @Test("a filter that cannot be read is said in words (400), never dropped to show every event")
    func badFilters() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.siteAdmin, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let cases = [
                ("actor=admin", "“admin” is not an actor: use user:&lt;id&gt;, client:&lt;id&gt;, operator or system."),
                ("subject=ada", "“ada” is not a user id."),
                ("organization=no-such-org-\(UUID().uuidString.prefix(6))", "No organization has the address"),
                ("type=DROP%20TABLE", "“DROP TABLE” is not an event type"),
                ("from=2026-13-01", "“2026-13-01” is not a date (2026-12-05) or a time."),
                ("from=2026-12-05&to=2026-12-01", "The range ends before it starts."),
            ]
            for (query, message) in cases {
                let page = try await browser.get("/admin/audit?" + query)
                #expect(page.status == .badRequest, "\(query)")
                #expect(page.text.contains(message), "\(query)")
                #expect(!page.text.contains("<strong title="), "\(query)")
            }
            // Quotes, % and 10 KB of text: no error, no event.
            let long = String(repeating: "%27_\"", count: 2000)
            let odd = try await browser.get("/admin/audit?client=" + long)
            #expect(odd.status == .ok)
            #expect(odd.text.contains("No event matches."))
        }
    }

    @Test("the export: every matching event newest first as JSON lines, with the revealed address; refused with a bad filter")
    func export() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let admin = try await AdminConsoleTests.staff(.superAdmin, provider)
            let client = "audit-" + UUID().uuidString.prefix(8).lowercased()
            let subject = UUID()
            try await Self.record(provider, client: client, subject: subject, count: 205)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let export = try await browser.get("/admin/audit/export?client=" + client)
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "application/x-ndjson")
            #expect(export.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"gatehouse-audit-") == true)
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == 205)
            let newest = try #require(lines.first)
            let id = try #require(newest.range(of: #"^\{"id":[0-9]+,"#, options: .regularExpression).map { newest[$0] })
            #expect(String(newest.dropFirst(id.count)) == #""type":"sign_in_failed","occurred_at":"2027-01-15T11:25:00.000000Z","actor":"client:\#(client)","subject":"\#(subject.uuidString.lowercased())","client_id":"\#(client)","ip":"203.0.113.9","user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0","details":{"n":"205","reason":"invalid_credentials"}}"#)
            #expect(lines.last?.contains(#""details":{"n":"1","#) == true)
            let refused = try await browser.get("/admin/audit/export?actor=nobody")
            #expect(refused.status == .badRequest)
        }
    }

    @Test("a client_admin sees their organization's events without addresses, another organization as an unknown one; a client_user gets the console's 403")
    func access() async throws {
        try await AdminConsoleTests.withConsole { provider, browser in
            let organization = try await AdminConsoleTests.organization(provider), other = try await AdminConsoleTests.organization(provider)
            let clientAdmin = try await AdminConsoleTests.member(provider, of: organization, as: .clientAdmin)
            let subject = UUID()
            for place in [organization, other] {
                await provider.audit.record(AuditEvent(
                    type: .memberRoleChanged, occurredAt: provider.clock.now, actor: AuditEvent.user(clientAdmin.user.id), subject: subject,
                    ip: "203.0.113.7", userAgent: "Mozilla/5.0", details: ["organization_id": place.id.uuidString.lowercased(), "to": "client_admin"]))
            }
            _ = try await browser.signInDirectly(clientAdmin.email, clientAdmin.password)
            let page = try await browser.get("/admin/audit?subject=" + subject.uuidString.lowercased())
            #expect(page.status == .ok)
            #expect(page.text.contains("You see the events of an organization you administer (its members, invitations, roles and clients), without the addresses and devices they came from."))
            #expect(page.text.components(separatedBy: "<li id=\"event-").count == 2, "one event: their organization's")
            #expect(page.text.contains("organization " + organization.id.uuidString.lowercased()))
            #expect(!page.text.contains("203.0.113.7"))
            #expect(!page.text.contains("audit.appended"), "no live tail: it reaches the platform roles only")
            let export = try await browser.get("/admin/audit/export?subject=" + subject.uuidString.lowercased())
            #expect(export.status == .ok)
            #expect(export.text.contains(#""ip":null,"user_agent":null"#))
            #expect(!export.text.contains(other.id.uuidString.lowercased()))

            let theirs = try await browser.get("/admin/audit?organization=" + other.slug)
            let nowhere = try await browser.get("/admin/audit?organization=no-such-" + other.slug)
            #expect(theirs.status == .badRequest)
            #expect(theirs.text.contains("No organization has the address “\(other.slug)”."))
            #expect(nowhere.text.contains("No organization has the address “no-such-\(other.slug)”."))
            #expect(!theirs.text.contains("<li id=\"event-"))
            let refusedExport = try await browser.get("/admin/audit/export?organization=" + other.slug)
            #expect(refusedExport.text.contains("No organization has the address “\(other.slug)”."))

            let user = try await AdminConsoleTests.member(provider, of: organization)
            let another = TestBrowser(browser.client)
            _ = try await another.signInDirectly(user.email, user.password)
            let refused = try await another.get("/admin/audit")
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("The console is for administrators."))
        }
    }

    @Test("live tail: each appended event reaches the bus as audit.appended; the newest page carries the script the CSP allows")
    func liveTail() async throws {
        let template = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("templates/admin_audit.mustache"),
                                  encoding: .utf8)
        #expect(template.contains("<script>" + AuditTailScript.text + "</script>"), "the template's copy differs from the hashed text")
        try await AdminConsoleTests.withConsole { provider, browser in
            let client = "tail-" + UUID().uuidString.prefix(8).lowercased()
            try await Self.record(provider, client: client, subject: UUID(), count: 1)
            let stored = try #require(try await provider.dependencies.administration.reader
                .auditEvents(matching: AuditQuery(clientID: client)).first)
            var announced: LiveEvent?
            for _ in 0..<200 where announced == nil {
                announced = try await provider.dependencies.liveEvents.events(after: .start, limit: 1000)
                    .first { $0.type == .auditAppended && $0.data["id"] == String(stored.id) }
                if announced == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(announced?.data == ["id": String(stored.id), "type": "sign_in_failed"])

            let admin = try await AdminConsoleTests.staff(.operator, provider)
            _ = try await browser.signInDirectly(admin.email, admin.password)
            let newest = try await browser.get("/admin/audit?type=sign_in_failed")
            #expect(newest.text.contains(#"<p class="notice" id="audit-live" role="status" data-type="sign_in_failed" hidden></p>"#))
            #expect(newest.text.contains("<script>" + AuditTailScript.text + "</script>"))
            let hash = Data(OpenSSLCrypto().sha256(AuditTailScript.text)).base64EncodedString()
            #expect(newest.headers[.contentSecurityPolicy]?.contains("'sha256-\(hash)'") == true)
            // A page the new events would not all be listed on has no tail.
            let filtered = try await browser.get("/admin/audit?client=" + client)
            #expect(!filtered.text.contains("audit-live"))
            #expect(!filtered.text.contains("<script>"))
        }
    }
}
