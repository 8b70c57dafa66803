import Foundation
@testable import GatehouseCLI
import Testing

/// GATEHOUSE_AUDIT_KEY and `gatehouse audit verify | list` as an operator runs them (issue 4, item 8).
@Suite("The audit key and the audit commands")
struct AuditCommandTests {
    static let testKey = "Z2F0ZWhvdXNlLXRlc3QtYXVkaXQta2V5LTMyYnl0ZXM="

    func problems(_ environment: [String: String], developmentMode: Bool) -> [String] {
        do {
            _ = try AuditKeySource.load(environment, developmentMode: developmentMode)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("outside development mode a missing or short GATEHOUSE_AUDIT_KEY stops start-up, naming the variable")
    func keyRequired() throws {
        #expect(problems([:], developmentMode: false).first?.hasPrefix("GATEHOUSE_AUDIT_KEY is not set") == true)
        let short = Data(repeating: 7, count: 31).base64EncodedString()
        #expect(problems(["GATEHOUSE_AUDIT_KEY": short], developmentMode: false).first?.contains("at least 32 bytes") == true)
        #expect(problems(["GATEHOUSE_AUDIT_KEY": "not base64!"], developmentMode: true).first?.hasPrefix("GATEHOUSE_AUDIT_KEY") == true)
        guard case .configured(let key, let previous) = try AuditKeySource.load(["GATEHOUSE_AUDIT_KEY": Self.testKey], developmentMode: false) else {
            Issue.record("expected the configured key")
            return
        }
        #expect(key == Array("gatehouse-test-audit-key-32bytes".utf8) && previous.isEmpty)
        guard case .development = try AuditKeySource.load([:], developmentMode: true) else {
            Issue.record("development mode keeps a generated key in the database")
            return
        }
    }

    @Test("GATEHOUSE_AUDIT_PREVIOUS_KEYS: retired keys, oldest first, each checked and named when wrong")
    func previousKeys() throws {
        let old1 = Data(repeating: 1, count: 32).base64EncodedString(), old2 = Data(repeating: 2, count: 32).base64EncodedString()
        guard case .configured(_, let previous) = try AuditKeySource.load(
            ["GATEHOUSE_AUDIT_KEY": Self.testKey, "GATEHOUSE_AUDIT_PREVIOUS_KEYS": "\(old1), \(old2)"], developmentMode: false) else {
            Issue.record("expected the configured key")
            return
        }
        #expect(previous == [Array(repeating: 1, count: 32), Array(repeating: 2, count: 32)])
        let bad = problems(["GATEHOUSE_AUDIT_KEY": Self.testKey, "GATEHOUSE_AUDIT_PREVIOUS_KEYS": "\(old1),short"], developmentMode: false)
        #expect(bad.first?.hasPrefix("GATEHOUSE_AUDIT_PREVIOUS_KEYS: key 2") == true)
    }

    /// Runs the binary against the test database with `environment` added.
    func run(_ arguments: [String], _ environment: [String: String]) throws -> (status: Int32, output: String, errors: String) {
        let database = try #require(ProcessInfo.processInfo.environment["GATEHOUSE_TEST_DATABASE_URL"], "run the tests with ./dev test")
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.environment = ["GATEHOUSE_DATABASE_URL": database, "GATEHOUSE_LOG_LEVEL": "error",
                               "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"].merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test("audit verify reports the intact chain the suite writes; a wrong key breaks it at the first event and exits 1")
    func verify() throws {
        // An event of this test's own, so the chain is never empty, even when this test runs alone.
        let created = try run(["client", "create", "--name", "Audit command test", "--redirect-uri", "https://audit.example/cb",
                               "--json"], ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        #expect(created.status == 0, "\(created.errors)")
        let client = try #require(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])
        let clientID = try #require(client["client_id"] as? String)

        let intact = try run(["audit", "verify"], ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        #expect(intact.status == 0, "\(intact.errors)")
        #expect(intact.output.hasPrefix("audit chain intact: "))
        #expect(intact.output.contains(" events"))
        let line = try #require(intact.output.split(separator: "\n").first { $0.hasPrefix("checkpoint: ") }, "\(intact.output)")
        // Other suites append while this runs: the checkpoint stays valid as the chain grows.
        let checkpoint = String(line.dropFirst("checkpoint: ".count))
        let confirmed = try run(["audit", "verify", "--checkpoint", checkpoint], ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        #expect(confirmed.status == 0, "\(confirmed.errors)")
        let id = checkpoint.split(separator: ":")[0]
        #expect(confirmed.output.contains("checkpoint \(id) confirmed"), "\(confirmed.output)")
        let forged = try run(["audit", "verify", "--checkpoint", "\(id):" + String(repeating: "0", count: 64)],
                             ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        #expect(forged.status == 1)
        #expect(forged.errors.contains("differs from the checkpoint"))
        let garbled = try run(["audit", "verify", "--checkpoint", "12:xyz"], ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        #expect(garbled.status != 0 && garbled.errors.contains("--checkpoint"))

        // `--client=<id>`: a client id is random base64url and may begin with "-", which a separate argument would read as an option.
        let listed = try run(["audit", "list", "--json", "--client=" + clientID], ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        #expect(listed.status == 0, "\(listed.errors)")
        let events = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events.first?["type"] as? String == "client_created")
        #expect((events.first?["details"] as? [String: String])?["kind"] == "confidential")
        let eventID = try #require(events.first?["id"] as? Int)
        #expect(events.first?["occurred_at"] is String)
        #expect(eventID <= Int(id) ?? 0, "the checkpoint covers this test's event")
        let newest = try run(["audit", "list", "--json", "--limit", "3"], ["GATEHOUSE_AUDIT_KEY": Self.testKey])
        let newestEvents = try #require(try JSONSerialization.jsonObject(with: Data(newest.output.utf8)) as? [[String: Any]])
        #expect((1...3).contains(newestEvents.count), "at most --limit, at least this test's event")
        #expect(newestEvents.allSatisfy { $0["id"] is Int && $0["type"] is String && $0["occurred_at"] is String })

        let wrongKey = Data(repeating: 1, count: 32).base64EncodedString()
        let broken = try run(["audit", "verify"], ["GATEHOUSE_AUDIT_KEY": wrongKey])
        #expect(broken.status == 1)
        #expect(broken.errors.contains("audit chain broken at event"))
        #expect(broken.errors.contains("MAC does not match"))

        let keyless = try run(["audit", "verify"], [:])
        #expect(keyless.status != 0)
        #expect(keyless.errors.contains("GATEHOUSE_AUDIT_KEY"))
    }
}
