import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// `/dev/mailbox` (DESIGN.md, development mode): lists outbox mail, newest first, escaped;
/// absent outside development mode.
@Suite("Development mailbox page")
struct DevMailboxTests {
    struct FixedMailbox: MailboxReader {
        let mails: [DeliveredMailSummary]
        func recent(limit: Int) async throws -> [DeliveredMailSummary] { Array(mails.prefix(limit)) }
    }

    static let mails = [
        DeliveredMailSummary(id: UUID(), messageID: "<b@id.gatehouse.test>", to: "ada@example.test", subject: "Reset <b>now</b>",
                             textBody: "Open https://id.gatehouse.test/reset?t=abc&x=1\n<script>alert(1)</script>", status: .sent,
                             attempts: 1, createdAt: Date(timeIntervalSince1970: 1_709_629_623), sentAt: Date(timeIntervalSince1970: 1_709_629_624)),
        DeliveredMailSummary(id: UUID(), messageID: "<a@id.gatehouse.test>", to: "bob@example.test", subject: "Your code",
                             textBody: "Code: 123456", status: .pending, attempts: 0,
                             createdAt: Date(timeIntervalSince1970: 1_709_629_000), sentAt: nil),
    ]

    func withApp(developmentMode: Bool, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let provider = try await TestProvider()
        var dependencies = provider.dependencies
        dependencies.web.developmentMode = developmentMode
        dependencies.mailbox = developmentMode ? FixedMailbox(mails: Self.mails) : nil
        try await Application(router: GatehouseApplication.router(dependencies)).test(.router) { try await body($0) }
    }

    @Test("lists recipient, subject, time, status and the text body, in order, HTML-escaped")
    func listsMail() async throws {
        try await withApp(developmentMode: true) { client in
            let response = try await client.execute(uri: "/dev/mailbox", method: .get)
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains("ada@example.test") && page.contains("bob@example.test"))
            #expect(page.contains("Reset &lt;b&gt;now&lt;/b&gt;"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>"))
            #expect(page.contains("2024-03-05 09:07:03 UTC"))
            #expect(page.contains("<pre>Code: 123456</pre>"))
            #expect(page.contains("waiting to be sent"))
            let first = try #require(page.range(of: "ada@example.test"))
            let second = try #require(page.range(of: "bob@example.test"))
            #expect(first.lowerBound < second.lowerBound, "newest first")
        }
    }

    @Test("outside development mode there is no mailbox page")
    func absentInProduction() async throws {
        try await withApp(developmentMode: false) { client in
            let response = try await client.execute(uri: "/dev/mailbox", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
