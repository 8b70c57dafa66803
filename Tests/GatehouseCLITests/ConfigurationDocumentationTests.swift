import Foundation
@testable import GatehouseCLI
import Testing

/// README's configuration table cannot drift from the code: every variable the commands read is
/// `Setting` (`EnvironmentReader` takes nothing else), and the table names exactly those.
@Suite("README documents every setting the configuration reads")
struct ConfigurationDocumentationTests {
    /// The names in the first column of README's "Configuration" table.
    static func documentedNames() throws -> [String] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## Configuration\n").dropFirst().first?
            .components(separatedBy: "\n## ").first, "README has no Configuration section")
        return section.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `GATEHOUSE_"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<end])
        }
    }

    @Test("every Setting has a row in README's configuration table")
    func everySettingDocumented() throws {
        let documented = Set(try Self.documentedNames())
        let missing = Setting.allCases.map(\.rawValue).filter { !documented.contains($0) }
        #expect(missing == [], "README's configuration table lacks these")
    }

    @Test("every row of the table is a setting the code reads, once")
    func noStaleRows() throws {
        let names = try Self.documentedNames()
        #expect(names.count == Set(names).count, "a variable has two rows")
        #expect(names.filter { Setting(rawValue: $0) == nil } == [], "README documents these, which no command reads")
    }
}
