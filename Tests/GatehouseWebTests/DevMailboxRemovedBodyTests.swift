import Foundation
import GatehouseCore
import GatehouseTestingStack
import GatehouseWeb
import Hummingbird
import HummingbirdTesting
import Testing

extension DevMailboxTests {
    @Test("a mail whose body was removed after delivery is listed with a note instead of the body")
    func removedBody() async throws {
        let provider = try await TestProvider()
        var dependencies = provider.dependencies
        dependencies.web.developmentMode = true
        dependencies.mailbox = FixedMailbox(mails: [
            DeliveredMailSummary(id: UUID(), messageID: "<c@id.gatehouse.test>", to: "cy@example.test",
                                 subject: "[code] is your Gatehouse sign-in code", textBody: nil, status: .sent, attempts: 1,
                                 createdAt: Date(timeIntervalSince1970: 1_709_629_623), sentAt: Date(timeIntervalSince1970: 1_709_629_624)),
        ])
        try await Application(router: GatehouseApplication.router(dependencies)).test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/dev/mailbox", method: .get).body)
            #expect(page.contains("<h2>[code] is your Gatehouse sign-in code</h2>"))
            #expect(page.contains("<pre>(The body was removed once the mail left this server: it may have held a code or a link.)</pre>"))
        }
    }
}
