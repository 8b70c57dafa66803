import Foundation
@testable import GatehouseCLI
import GatehouseCore
import Testing

/// `gatehouse import users|invitations FILE` (issue 11 item 4) as the operator runs it: a line a
/// row with its outcome and reason, the counts, a dry run that changes nothing, a re-run that
/// updates instead of duplicating, a file that is no CSV refused with why.
@Suite("Imports from the command line")
struct ImportCommandTests {
    static func file(_ text: String, suffix: String = ".csv") throws -> String {
        let path = NSTemporaryDirectory() + "gatehouse-import-" + UUID().uuidString + suffix
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("users: a dry run, the import, the same file again; a bad row reported in its place")
    func users() throws {
        let environment = ["GATEHOUSE_AUDIT_KEY": ProcessInfo.processInfo.environment["GATEHOUSE_AUDIT_KEY"] ?? AuditCommandTests.testKey]
        let email = "imported-\(UUID().uuidString.lowercased())@example.com"
        let id = UUID().uuidString
        let path = try Self.file("external_id,email,name,password_hash\n\(id),\(email),Ada,$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq\nx-\(id),\(email)x,Bob,md5:abc\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let skipped = "line 3  skipped  \(email)x  password_hash is not a bcrypt ($2a$, $2b$, $2y$) or argon2 ($argon2id$, $argon2i$) hash."

        let dryRun = try CLI.run(["import", "users", path, "--source", "cli-test", "--dry-run"], environment: environment)
        #expect(dryRun.status == 0, "\(dryRun.errors)")
        #expect(dryRun.output == "line 2  created  \(email)\n\(skipped)\ndry run, nothing changed: would be 1 created, 0 updated, 1 skipped\n")
        let imported = try CLI.run(["import", "users", path, "--source", "cli-test"], environment: environment)
        #expect(imported.output == "line 2  created  \(email)\n\(skipped)\ndone: 1 created, 0 updated, 1 skipped\n", "\(imported.errors)")
        let again = try CLI.run(["import", "users", path, "--source", "cli-test"], environment: environment)
        #expect(again.output == "line 2  skipped  \(email)  Already up to date.\n\(skipped)\ndone: 0 created, 0 updated, 2 skipped\n")
    }

    @Test("invitations: a file that is no CSV is refused with why; one over 10 MB too; an unknown source is refused")
    func refusals() throws {
        let environment = ["GATEHOUSE_AUDIT_KEY": ProcessInfo.processInfo.environment["GATEHOUSE_AUDIT_KEY"] ?? AuditCommandTests.testKey]
        let broken = try Self.file("email,role\n\"never closed,operator\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let refused = try CLI.run(["import", "invitations", broken], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("The file is not CSV: the quote opened on line 2 is never closed."), "\(refused.errors)")
        let large = try Self.file("email,role\n" + String(repeating: "a", count: ImportFile.maximumBytes))
        defer { try? FileManager.default.removeItem(atPath: large) }
        let tooLarge = try CLI.run(["import", "invitations", large, "--dry-run"], environment: environment)
        #expect(tooLarge.status != 0 && tooLarge.errors.contains("The file is larger than 10 MB; split it into smaller files."), "\(tooLarge.errors)")
        let source = try Self.file("external_id,email\n1,a@example.com\n")
        defer { try? FileManager.default.removeItem(atPath: source) }
        let badSource = try CLI.run(["import", "users", source, "--source", "Not A Source", "--dry-run"], environment: environment)
        #expect(badSource.status != 0 && badSource.errors.contains("--source must be 1 to 64 of a-z, 0-9, '-' and '_'"), "\(badSource.errors)")
    }
}
