import Foundation
@testable import GatehouseCLI
import GatehouseCore
import Testing

/// `gatehouse user suspend | reactivate | deactivate | erase | export` (issue 11 item 3), run as
/// the operator runs them, and `gatehouse audit verify` after an erasure.
@Suite("The user lifecycle from the command line")
struct UserLifecycleCommandTests {
    @Test("suspend, reactivate, deactivate and export by email or id; erase needs --yes; afterwards audit verify passes and the trail keeps no email")
    func lifecycle() async throws {
        let environment = ProcessInfo.processInfo.environment
        let database = try #require(environment["GATEHOUSE_TEST_DATABASE_URL"], "run the tests with ./dev test")
        let keyText = environment["GATEHOUSE_AUDIT_KEY"] ?? AuditCommandTests.testKey
        let key = Array(try #require(Data(base64Encoded: keyText)))
        let config = try GatehouseConfiguration.load(["GATEHOUSE_DATABASE_URL": database], requiring: [.database])
        let email = "lifecycle-\(UUID().uuidString.lowercased())@example.com"
        let id = try await withBackends(config) { backends in
            let now = backends.clock.now
            let user = User(id: UUID(), email: email, emailVerified: true, name: "Ada", passwordHash: "not-a-real-hash", createdAt: now,
                            updatedAt: now)
            try await backends.users.create(user)
            // A history with personal data in it, as sign-ins write it.
            let log = try await backends.auditLog(.configured(key: key, previous: []))
            for reason in ["invalid_credentials", "invalid_credentials"] {
                await log.record(AuditEvent(type: .signInFailed, occurredAt: now, actor: "anonymous", subject: user.id, ip: "198.51.100.9",
                                            userAgent: "Browser/1", details: ["email": email, "reason": reason]))
            }
            await log.record(AuditEvent(type: .signInSucceeded, occurredAt: now, actor: AuditEvent.user(user.id), subject: user.id,
                                        ip: "198.51.100.9", userAgent: "Browser/1", details: ["amr": "pwd"]))
            return user.id.uuidString.lowercased()
        }
        let auditKey = ["GATEHOUSE_AUDIT_KEY": keyText]

        let suspended = try CLI.run(["user", "suspend", email.uppercased()], environment: auditKey)
        #expect(suspended.status == 0, "\(suspended.errors)")
        #expect(suspended.output == "suspended \(id)\n")
        let twice = try CLI.run(["user", "suspend", id], environment: auditKey)
        #expect(twice.status != 0 && twice.errors.contains("the user is suspended"), "\(twice.errors)")
        #expect(try CLI.run(["user", "reactivate", id], environment: auditKey).output == "reactivated \(id)\n")
        #expect(try CLI.run(["user", "deactivate", email], environment: auditKey).output == "deactivated \(id)\n")

        let exported = try CLI.run(["user", "export", email], environment: auditKey)
        #expect(exported.status == 0, "\(exported.errors)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(exported.output.utf8)) as? [String: Any])
        #expect((document["profile"] as? [String: Any])?["status"] as? String == "deactivated")
        let events = try #require(document["audit_events"] as? [[String: Any]])
        #expect(events.contains { ($0["details"] as? [String: String])?["email"] == email && $0["ip"] as? String == "198.51.100.9" })

        let unconfirmed = try CLI.run(["user", "erase", email], environment: auditKey)
        #expect(unconfirmed.status != 0 && unconfirmed.errors.contains("add --yes to confirm"), "\(unconfirmed.errors)")
        let erased = try CLI.run(["user", "erase", email, "--yes"], environment: auditKey)
        #expect(erased.status == 0, "\(erased.errors)")
        #expect(erased.output == "erased \(id)\n")

        let verified = try CLI.run(["audit", "verify"], environment: auditKey)
        #expect(verified.status == 0, "\(verified.errors)")
        #expect(verified.output.hasPrefix("audit chain intact: "))
        let listed = try CLI.run(["audit", "list", "--json", "--subject", id], environment: auditKey)
        #expect(listed.status == 0, "\(listed.errors)")
        let types = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]]).compactMap { $0["type"] as? String }
        #expect(types.count == 8, "every event stays: \(types)")
        #expect(types.first == "user_erased")
        #expect(!listed.output.contains(email) && !listed.output.contains("198.51.100.9"), "no email or address left: \(listed.output)")
        let gone = try CLI.run(["user", "export", id], environment: auditKey)
        #expect(gone.status != 0 && gone.errors.contains("no user \(id)"), "\(gone.errors)")
    }
}
