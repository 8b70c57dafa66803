import Foundation
@testable import GatehouseCLI
import GatehouseCore
import Testing

/// `gatehouse user keys list|revoke`: the operator sees a user's API keys (never their text) and
/// revokes one, through the same `APIKeys` service as the pages, audited as the operator.
@Suite("A user's API keys from the command line")
struct UserKeysCommandTests {
    @Test("list by email or id (JSON and text), revoke by id, a second revoke is refused; GATEHOUSE_API_KEY_MAX_DAYS is checked")
    func listAndRevoke() async throws {
        let environment = ProcessInfo.processInfo.environment
        let database = try #require(environment["GATEHOUSE_TEST_DATABASE_URL"], "run the tests with ./dev test")
        let config = try GatehouseConfiguration.load(["GATEHOUSE_DATABASE_URL": database], requiring: [.database])
        let auditKey = try #require(Data(base64Encoded: environment["GATEHOUSE_AUDIT_KEY"] ?? ""))
        let email = "keys-\(UUID().uuidString.lowercased())@example.com"

        let (user, issued) = try await withBackends(config) { backends in
            let now = backends.clock.now
            let user = User(id: UUID(), email: email, emailVerified: true, passwordHash: nil, createdAt: now, updatedAt: now)
            try await backends.users.create(user)
            let keys = try await backends.apiKeys(.configured(key: Array(auditKey), previous: []))
            let issued = try await keys.create(name: "CI deploy", scopes: ["gatehouse:manage"], expiresAt: keys.expiry(afterDays: 30),
                                               by: Principal(userID: user.id, roles: .init()))
            return (user, issued)
        }
        let id = issued.key.id.uuidString.lowercased()
        let time = { (date: Date) -> String in
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.string(from: date)
        }

        let listed = try CLI.run(["user", "keys", "list", email.uppercased(), "--json"])
        #expect(listed.status == 0, "\(listed.errors)")
        #expect(listed.output == """
            [
              {
                "created_at" : "\(time(issued.key.createdAt))",
                "expires_at" : "\(time(issued.key.expiresAt))",
                "id" : "\(id)",
                "name" : "CI deploy",
                "scopes" : [
                  "gatehouse:manage"
                ],
                "status" : "active"
              }
            ]

            """)
        #expect(!listed.output.contains(issued.token))
        let text = try CLI.run(["user", "keys", "list", user.id.uuidString.lowercased()])
        #expect(text.output == "\(id)  active  expires \(time(issued.key.expiresAt))  last used never  gatehouse:manage  CI deploy\n")

        let revoked = try CLI.run(["user", "keys", "revoke", email, id])
        #expect(revoked.status == 0, "\(revoked.errors)")
        #expect(revoked.output == "revoked key \(id) (CI deploy)\n")
        let again = try CLI.run(["user", "keys", "revoke", email, id])
        #expect(again.status != 0)
        #expect(again.errors.contains("\(email) has no unrevoked key \(id)"), "\(again.errors)")
        #expect(try CLI.run(["user", "keys", "list", email]).output == "no API keys\n")
        let unknown = try CLI.run(["user", "keys", "list", "nobody-\(UUID().uuidString.lowercased())@example.com"])
        #expect(unknown.status != 0 && unknown.errors.contains("no user nobody-"), "\(unknown.errors)")

        let audit = try CLI.run(["audit", "list", "--subject", user.id.uuidString.lowercased(), "--json"])
        #expect(audit.output.contains("api_key_revoked") && audit.output.contains("api_key_created"), "\(audit.errors)")

        let bad = try CLI.run(["user", "keys", "list", email], environment: ["GATEHOUSE_API_KEY_MAX_DAYS": "0"])
        #expect(bad.status != 0 && bad.errors.contains("GATEHOUSE_API_KEY_MAX_DAYS"), "\(bad.errors)")
        #expect(try APIKeyConfiguration.maximumDays([:]) == 365)
        #expect(try APIKeyConfiguration.maximumDays(["GATEHOUSE_API_KEY_MAX_DAYS": "90"]) == 90)
    }
}
