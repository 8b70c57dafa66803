import Foundation
import Testing

/// Runs the built `gatehouse` binary the way an operator does, against the test database.
struct CLI {
    struct Result {
        let status: Int32
        let output: String
        let errors: String
        /// The output as JSON; a failed command throws its exit status and error output instead,
        /// so a failure says why rather than "not JSON".
        func json() throws -> Any {
            guard status == 0 else { throw CLIError(message: "exit status \(status): \(errors)") }
            return try JSONSerialization.jsonObject(with: Data(output.utf8))
        }
    }

    static var binary: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/gatehouse")
    }

    /// Runs the binary to its end; with `timeout`, a process still running then is terminated
    /// (for a command that should have refused to start but would otherwise serve forever).
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                    timeout: Double? = nil) throws -> Result {
        guard let database = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_DATABASE_URL"] else {
            throw CLIError(message: "GATEHOUSE_TEST_DATABASE_URL is not set: run the tests with ./dev test")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["GATEHOUSE_DATABASE_URL": database, "GATEHOUSE_ARGON2_MEMORY_KIB": "256",
                               "GATEHOUSE_ARGON2_ITERATIONS": "1", "GATEHOUSE_LOG_LEVEL": "error",
                               "GATEHOUSE_AUDIT_KEY": ProcessInfo.processInfo.environment["GATEHOUSE_AUDIT_KEY"] ?? "",
                               "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"].merging(environment) { $1 }
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
        }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                      errors: String(decoding: err, as: UTF8.self))
    }

    struct CLIError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

@Suite("The gatehouse CLI as an operator uses it")
struct CLICommandTests {
    @Test("client create --json prints the id and, for a confidential client only, the secret once")
    func createClients() throws {
        let confidential = try CLI.run(["client", "create", "--name", "Web", "--redirect-uri", "https://app.example/cb",
                                        "--redirect-uri", "https://app.example/cb2", "--json"])
        #expect(confidential.status == 0, "\(confidential.errors)")
        let record = try #require(try confidential.json() as? [String: Any])
        let id = try #require(record["client_id"] as? String)
        #expect((record["client_secret"] as? String)?.count == 43, "256 bits, base64url")
        #expect(record["redirect_uris"] as? [String] == ["https://app.example/cb", "https://app.example/cb2"])

        let spa = try CLI.run(["client", "create", "--name", "SPA", "--redirect-uri", "http://127.0.0.1:5173/cb", "--public", "--json"])
        let spaRecord = try #require(try spa.json() as? [String: Any])
        #expect(spaRecord["client_secret"] == nil, "a public client's JSON has no client_secret key")
        #expect(spaRecord["public"] as? Bool == true)

        let list = try CLI.run(["client", "list", "--json"])
        let all = try #require(try list.json() as? [[String: Any]])
        let listed = try #require(all.first { $0["client_id"] as? String == id })
        #expect(listed["client_secret"] == nil, "the secret is never shown again")

        let rotated = try CLI.run(["client", "rotate-secret", id, "--json"])
        let rotatedRecord = try #require(try rotated.json() as? [String: Any])
        let newSecret = rotatedRecord["client_secret"] as? String
        #expect(newSecret != nil && newSecret != record["client_secret"] as? String)

        let updated = try CLI.run(["client", "update", id, "--name", "Web 2", "--json"])
        let updatedRecord = try #require(try updated.json() as? [String: Any])
        #expect(updatedRecord["name"] as? String == "Web 2")

        #expect(try CLI.run(["client", "delete", id]).status == 0)
        #expect(try CLI.run(["client", "delete", id]).status != 0)
    }

    @Test("operator changes to a client are in the audit trail, each as its own event by the operator")
    func clientChangesAreAudited() throws {
        let created = try CLI.run(["client", "create", "--name", "Audited", "--redirect-uri", "https://app.example/cb", "--json"])
        #expect(created.status == 0, "\(created.errors)")
        let id = try #require((try created.json() as? [String: Any])?["client_id"] as? String)
        #expect(try CLI.run(["client", "rotate-secret", id]).status == 0)
        #expect(try CLI.run(["client", "update", id, "--name", "Audited again"]).status == 0)
        #expect(try CLI.run(["client", "delete", id]).status == 0)
        let listed = try CLI.run(["audit", "list", "--client", id, "--json"])
        let events = try #require(try listed.json() as? [[String: Any]], "\(listed.errors)")
        let types = events.compactMap { event -> String? in
            event["actor"] as? String == "operator" ? event["type"] as? String : nil
        }
        #expect(Set(types) == ["client_created", "client_secret_rotated", "client_updated", "client_deleted"])
        #expect(events.count == 4)
    }

    @Test("client create refuses unregistrable redirect URIs and impossible grants with a reason")
    func refusals() throws {
        let http = try CLI.run(["client", "create", "--name", "X", "--redirect-uri", "http://app.example/cb"])
        #expect(http.status != 0)
        #expect(http.errors.contains("cannot be registered"))
        let publicMachine = try CLI.run(["client", "create", "--name", "X", "--public", "--grant-type", "client_credentials"])
        #expect(publicMachine.status != 0)
        #expect(publicMachine.errors.contains("public client cannot use client_credentials"))
        let text = try CLI.run(["client", "create", "--name", "Readable", "--redirect-uri", "https://app.example/cb"])
        #expect(text.output.contains("client_id:") && text.output.contains("client_secret:"))
    }

    @Test("user create reads the password from stdin and prints the id; a duplicate email is refused")
    func createUser() throws {
        let email = "cli-\(UUID().uuidString.prefix(8).lowercased())@example.test"
        let created = try CLI.run(["user", "create", "--email", email, "--password-stdin", "--name", "Grace", "--verified", "--json"],
                                  input: "a long enough password\n")
        #expect(created.status == 0, "\(created.errors)")
        let record = try #require(try created.json() as? [String: Any])
        let id = try #require(record["id"] as? String)
        #expect(UUID(uuidString: id) != nil)
        let duplicate = try CLI.run(["user", "create", "--email", email.uppercased(), "--password", "another decent passphrase"])
        #expect(duplicate.status != 0)
        #expect(duplicate.errors.contains("exists"))
        let weak = try CLI.run(["user", "create", "--email", "weak-" + email, "--password", "password1234"])
        #expect(weak.status != 0)
        #expect(weak.errors.contains("common"), "the password policy applies to operators too")
    }

    @Test("a missing setting stops the command with a message naming it")
    func missingSetting() throws {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["client", "list"]
        process.environment = [:]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(text.contains("GATEHOUSE_DATABASE_URL"))
    }
}

@Suite("gatehouse client --require-mfa")
struct ClientMFAPolicyCommandTests {
    @Test("client create --require-mfa stores the policy; update --no-require-mfa lifts it and leaves it alone otherwise")
    func requireMFA() throws {
        let created = try CLI.run(["client", "create", "--name", "Admin", "--redirect-uri", "https://admin.example/cb", "--require-mfa", "--json"])
        #expect(created.status == 0, "\(created.errors)")
        let record = try #require(try created.json() as? [String: Any])
        let id = try #require(record["client_id"] as? String)
        #expect(record["require_mfa"] as? Bool == true)
        let renaming = try CLI.run(["client", "update", id, "--name", "Admin 2", "--json"])
        #expect(renaming.status == 0, "\(renaming.errors)")
        let renamed = try #require(try renaming.json() as? [String: Any])
        #expect(renamed["require_mfa"] as? Bool == true, "unchanged when the flag is not given")
        let relaxing = try CLI.run(["client", "update", id, "--no-require-mfa", "--json"])
        #expect(relaxing.status == 0, "\(relaxing.errors)")
        let relaxed = try #require(try relaxing.json() as? [String: Any])
        #expect(relaxed["require_mfa"] as? Bool == false)
        #expect(try CLI.run(["client", "delete", id]).status == 0)
    }
}
