import Foundation
import Testing

/// `gatehouse keys generate | list | retire` as an operator rotates the signing key.
@Suite("Key rotation from the command line")
struct KeysCommandTests {
    @Test("a second key is published as next with its start time; the signer cannot be retired; a previous key can")
    func rotation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["GATEHOUSE_KEYS_DIR": directory, "GATEHOUSE_KEY_PUBLISH_DELAY": "3600"]

        let first = try CLI.run(["keys", "generate", "--json"], environment: environment)
        #expect(first.status == 0, "\(first.errors)")
        let firstKID = try #require((try first.json() as? [String: String])?["kid"])
        #expect((try first.json() as? [String: String])?["signs_from"] == "now", "a first key signs at once")
        // Publish the first key a day ago, so the schedule has a settled signer.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-86_400)],
                                              ofItemAtPath: "\(directory)/\(firstKID).pem")

        let second = try CLI.run(["keys", "generate"], environment: environment)
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output.contains("published now, signs from "))

        let listed = try #require(try CLI.run(["keys", "list", "--json"], environment: environment).json() as? [[String: String]])
        #expect(listed.count == 2)
        #expect(listed.first?["state"] == "next" && listed.first?["signs_from"] != nil, "newest first, waiting out the delay")
        #expect(listed.last?["kid"] == firstKID && listed.last?["state"] == "signing")

        let refused = try CLI.run(["keys", "retire", firstKID], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("signs now"))

        // Once the new key has signed past the delay, the old one is previous and may go.
        let secondKID = try #require(listed.first?["kid"])
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)],
                                              ofItemAtPath: "\(directory)/\(secondKID).pem")
        let text = try CLI.run(["keys", "list"], environment: environment).output
        #expect(text.contains("\(secondKID)  signing") && text.contains("\(firstKID)  previous"))
        let retired = try CLI.run(["keys", "retire", firstKID], environment: environment)
        #expect(retired.status == 0, "\(retired.errors)")
        let remaining = try #require(try CLI.run(["keys", "list", "--json"], environment: environment).json() as? [[String: String]])
        #expect(remaining.map { $0["kid"] } == [secondKID])
    }

    @Test("after a leak: generate --now signs at once, so the leaked key can be retired straight away")
    func emergencyRotation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ["GATEHOUSE_KEYS_DIR": directory, "GATEHOUSE_KEY_PUBLISH_DELAY": "3600"]
        let leaked = try #require((try CLI.run(["keys", "generate", "--json"], environment: environment).json() as? [String: String])?["kid"])
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-86_400)],
                                              ofItemAtPath: "\(directory)/\(leaked).pem")
        let replacement = try CLI.run(["keys", "generate", "--now", "--json"], environment: environment)
        #expect((try replacement.json() as? [String: String])?["signs_from"] == "now", "\(replacement.errors)")
        let listed = try #require(try CLI.run(["keys", "list", "--json"], environment: environment).json() as? [[String: String]])
        #expect(listed.first { $0["state"] == "signing" }?["kid"] != leaked)
        #expect(try CLI.run(["keys", "retire", leaked], environment: environment).status == 0)
    }
}

/// Base64url ids begin with "-" one time in 64; the parser must not take them for options.
@Suite("Ids that begin with a dash")
struct DashIdentifierTests {
    @Test("keys retire and client update|rotate-secret|delete take an id beginning with '-' as the id")
    func dashIDs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let retire = try CLI.run(["keys", "retire", "-CeKxI9Bd69AYq"], environment: ["GATEHOUSE_KEYS_DIR": directory])
        #expect(retire.status != 0)
        #expect(retire.errors.contains("no signing key -CeKxI9Bd69AYq in the key directory"), "\(retire.errors)")
        for command in [["client", "update", "-Xq9w", "--name", "N"], ["client", "rotate-secret", "-Xq9w"], ["client", "delete", "-Xq9w"]] {
            let result = try CLI.run(command)
            #expect(result.status != 0)
            #expect(result.errors.contains("no such client"), "\(command): \(result.errors)")
        }
        let two = try CLI.run(["client", "delete", "a", "b"])
        #expect(two.errors.contains("expected one client id, got: a b"), "\(two.errors)")
        let none = try CLI.run(["keys", "retire"], environment: ["GATEHOUSE_KEYS_DIR": directory])
        #expect(none.errors.contains("missing the key id"), "\(none.errors)")
    }
}
