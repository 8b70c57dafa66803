import Foundation
@testable import GatehouseCLI
import GatehouseCore
import GatehouseTestingStack
import Testing

/// Development mode's demo client and user must not reach a production database: `serve`
/// outside development mode refuses to start while they exist, and `gatehouse demo remove`
/// deletes them. Run against a scratch database of its own (the demo's ids are fixed).
@Suite("The development demo outside development mode")
struct DevelopmentDemoTests {
    static let refusal = "Error: development mode's demo is in this database (client gatehouse-demo, user demo@example.com and user admin@example.com): "
        + "its password is published, so outside development mode anyone could sign in with it. "
        + "Remove it with `gatehouse demo remove`, then start again"

    @Test("serve outside development mode refuses a database holding the demo, saying how to remove it; demo remove does")
    func serveRefusesTheDemo() async throws {
        try await ScratchDatabase.withURL(migrations: []) { url, _ in
            let environment = ProcessInfo.processInfo.environment
            let migrations = try #require(environment["GATEHOUSE_TEST_MIGRATIONS_DIR"], "run the tests with ./dev test")
            let redis = try #require(environment["GATEHOUSE_TEST_REDIS_URL"], "run the tests with ./dev test")
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-demo-keys-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: keys) }
            let busyPort = try #require(URLComponents(string: redis)?.port)
            let templates = TestServices.repositoryRoot.appendingPathComponent("templates").path
            let base = ["GATEHOUSE_DATABASE_URL": url, "GATEHOUSE_MIGRATIONS_DIR": migrations, "GATEHOUSE_KEYS_DIR": keys.path]
            #expect(try CLI.run(["migrate"], environment: base).status == 0)
            #expect(try CLI.run(["keys", "generate"], environment: base).status == 0)

            // What `./dev run` leaves in its database.
            let development = try GatehouseConfiguration.load(
                ["GATEHOUSE_DATABASE_URL": url, "GATEHOUSE_DEV_MODE": "1", "GATEHOUSE_ARGON2_MEMORY_KIB": "256", "GATEHOUSE_ARGON2_ITERATIONS": "1"],
                requiring: [.database])
            try await withBackends(development) { backends in
                let hasher = try backends.makeHasher()
                try await DevelopmentSetup(backends: backends, hasher: hasher).ensureDemo()
                try await DevelopmentSetup(backends: backends, hasher: hasher).ensureDemo()   // a second start changes nothing
                try await hasher.shutdown()
                let admin = try #require(try await backends.users.find(email: DevelopmentSetup.demoAdminEmail))
                #expect(try await backends.memberships.platformRole(userID: admin.id) == .superAdmin, "./dev run's demo super_admin")
                #expect(try await backends.memberships.count(platformRole: .superAdmin) == 1)
            }

            let production = base.merging([
                "GATEHOUSE_REDIS_URL": redis, "GATEHOUSE_ISSUER": "https://id.example.test", "GATEHOUSE_HOST": "127.0.0.1",
                "GATEHOUSE_PORT": String(busyPort), "GATEHOUSE_SMTP_URL": "none", "GATEHOUSE_TEMPLATES_DIR": templates,
                "GATEHOUSE_ENCRYPTION_KEY": Data((0..<32).map { UInt8($0) }).base64EncodedString(),
            ]) { $1 }
            // The test Redis's port is taken: had serve got past the check, it would fail to listen instead.
            let refused = try CLI.run(["serve"], environment: production, timeout: 60)
            #expect(refused.status != 0)
            #expect(refused.errors.split(separator: "\n").last.map(String.init) == Self.refusal, "\(refused.errors)")
            #expect(!refused.output.contains("Gatehouse is serving"))

            let removed = try CLI.run(["demo", "remove"], environment: base)
            #expect(removed.status == 0, "\(removed.errors)")
            #expect(removed.output == "removed the demo client gatehouse-demo, user demo@example.com and user admin@example.com\n")
            #expect(try CLI.run(["demo", "remove"], environment: base).output == "no demo client or user here\n")

            let config = try GatehouseConfiguration.load(["GATEHOUSE_DATABASE_URL": url], requiring: [.database])
            let leftovers = try await withBackends(config) { try await DevelopmentDemoCheck.leftovers($0) }
            #expect(leftovers.isEmpty)
            let audit = try CLI.run(["audit", "list", "--json"], environment: base)
            #expect(audit.output.components(separatedBy: "demo remove").count == 4, "one operator action per removal: \(audit.output)")

            let started = try CLI.run(["serve"], environment: production, timeout: 60)
            #expect(started.status != 0 && !started.errors.contains("demo"), "past the check, serve stops only where it listens: \(started.errors)")
        }
    }
}
