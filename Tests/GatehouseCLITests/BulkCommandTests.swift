import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// `gatehouse bulk run | show` (issue 11 item 4): the job made as the operator and applied in the
/// command's process by the real worker; exact output. In a database of its own (the worker
/// claims from every job in it).
@Suite("Bulk commands")
struct BulkCommandTests {
    @Test("bulk run suspends the users named, reports the bad ones; a dry run changes nothing; bulk show lists what was skipped")
    func runAndShow() async throws {
        try await OrganizationCommandTests.withShell { shell in
            func bulk(_ arguments: [String]) throws -> CLI.Result {
                try shell.run(["bulk"] + arguments, environment: ["GATEHOUSE_AUDIT_KEY": AuditCommandTests.testKey])
            }
            let first = try shell.user("first@example.test"), second = try shell.user("second@example.test")
            let missing = UUID().uuidString.lowercased()
            let dry = try bulk(["run", "suspend_user", "--user", first, "--user", missing, "--dry-run", "--workers", "2"])
            #expect(dry.status == 0, "\(dry.errors)")
            #expect(dry.output.range(of: #"^job [0-9a-f-]{36} suspend_user \(dry run\): done, 2 items: 1 done, 1 skipped, 0 failed in [0-9.]+ s \([0-9]+ items/s\)\n$"#,
                                     options: .regularExpression) != nil, "\(dry.output)")
            #expect(try await PostgresUserStore(pool: shell.pool).find(id: UUID(uuidString: first)!)?.status == .active)

            let real = try bulk(["run", "suspend_user", "--user", first, "--user", second, "--user", missing])
            #expect(real.status == 0, "\(real.errors)")
            let id = try #require(real.output.split(separator: " ").dropFirst().first.map(String.init))
            #expect(real.output.hasPrefix("job \(id) suspend_user: done, 3 items: 2 done, 1 skipped, 0 failed in "), "\(real.output)")
            #expect(try await PostgresUserStore(pool: shell.pool).find(id: UUID(uuidString: second)!)?.status == .suspended)

            let shown = try bulk(["show", id])
            #expect(shown.output == "job \(id) suspend_user: done, 3 items: 2 done, 1 skipped, 0 failed\n  #3 user_id=\(missing): skipped: no such user\n")
            OrganizationCommandTests.expectRefusal(try bulk(["run", "assign_role", "--user", first]),
                                                   "organization_id must be an organization's id")
            OrganizationCommandTests.expectRefusal(try bulk(["show", UUID().uuidString]), "no such job")
        }
    }
}

extension BulkCommandTests {
    /// Enough that one worker of a debug build takes seconds over them, so the kill lands mid-job
    /// even when a loaded machine makes the test's polls slow.
    static let killedUsers = 3000

    @Test("a process killed mid-job (SIGKILL) leaves its items; another process finishes the job and every user is suspended exactly once")
    func killedMidJob() async throws {
        try await OrganizationCommandTests.withShell { shell in
            _ = try await shell.pool.query(
                """
                INSERT INTO users (id, email, email_verified, name, created_at, updated_at)
                SELECT gen_random_uuid(), 'killed' || n || '@example.test', true, 'Person ' || n, now(), now() FROM generate_series(1, \(Self.killedUsers)) AS n
                """)
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["bulk", "run", "suspend_user", "--everyone", "--workers", "1", "--lease", "1"]
            process.environment = ["GATEHOUSE_DATABASE_URL": shell.url, "GATEHOUSE_AUDIT_KEY": AuditCommandTests.testKey,
                                   "GATEHOUSE_LOG_LEVEL": "error", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            var done = 0
            for _ in 0..<1500 where done < 25 {
                try await Task.sleep(for: .milliseconds(20))
                done = try await shell.pool.query("SELECT COALESCE(max(done), 0) AS done FROM bulk_jobs").rows[0].int("done")
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let killed = try await shell.pool.query("SELECT id, status, done FROM bulk_jobs").rows
            try #require(killed.count == 1)
            #expect(try killed[0].string("status") == "running", "killed mid-job")
            #expect(try killed[0].int("done") < Self.killedUsers)

            try await Task.sleep(for: .milliseconds(1100))
            let resumed = try shell.run(["bulk", "work", "--workers", "2"], environment: ["GATEHOUSE_AUDIT_KEY": AuditCommandTests.testKey])
            #expect(resumed.status == 0, "\(resumed.errors)")
            #expect(resumed.output == "no bulk job item left to claim\n")
            let job = try await shell.pool.query("SELECT status, total, done, skipped, failed FROM bulk_jobs").rows[0]
            #expect(try job.string("status") == "done" && job.int("total") == Self.killedUsers && job.int("failed") == 0)
            #expect(try job.int("done") + job.int("skipped") == Self.killedUsers)
            // An item whose suspension committed just before the kill is done again as a no-op.
            let skipped = try await shell.pool.query(
                "SELECT DISTINCT reason FROM bulk_job_items WHERE status = 'skipped'").rows.map { try $0.string("reason") }
            #expect(skipped.allSatisfy { $0 == "already suspended" }, "\(skipped)")
            let users = try await shell.pool.query(
                """
                SELECT count(*) FILTER (WHERE status = 'suspended') AS suspended,
                       (SELECT count(*) FROM audit_events WHERE type = 'user_suspended') AS events,
                       (SELECT count(DISTINCT subject) FROM audit_events WHERE type = 'user_suspended') AS subjects
                FROM users
                """).rows[0]
            #expect(try users.int("suspended") == Self.killedUsers)
            // No user suspended twice, no event written twice (a kill between a suspension's commit and
            // its audit append, a window of one statement, would leave one event short).
            #expect(try users.int("events") == users.int("subjects"))
            #expect(try users.int("subjects") >= Self.killedUsers - 1)
        }
    }
}
