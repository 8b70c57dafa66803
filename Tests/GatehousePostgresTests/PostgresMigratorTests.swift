import Foundation
import GatehousePostgres
import Testing

/// The migrator against scratch databases and throw-away migration folders.
@Suite("PostgresMigrator")
struct PostgresMigratorTests {
    /// A temporary migrations folder holding `files` (name → SQL).
    private func withMigrations<T>(_ files: [String: String], _ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(PostgresTestSupport.uniqueName("migrations"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, sql) in files {
            try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try await body(directory)
    }

    private func migrate(_ url: String, _ directory: URL) async throws -> [String] {
        try await PostgresTestSupport.withPool(url: url, maxConnections: 1) { pool async throws in
            try await PostgresMigrator(pool: pool, directory: directory, logger: PostgresTestSupport.logger).migrate()
        }
    }

    private func recorded(_ url: String) async throws -> [String] {
        try await PostgresTestSupport.withPool(url: url) { pool async throws in
            try await pool.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").rows.map {
                _ = try $0.date("applied_at")
                return "\(try $0.int("version")):\(try $0.string("name"))"
            }
        }
    }

    static let good = [
        "0002_add_email.sql": "ALTER TABLE people ADD COLUMN email text;",
        "0001_create_people.sql": "CREATE TABLE people (id bigint PRIMARY KEY);\nCREATE INDEX people_id ON people (id);",
        "0010_seed.sql": "INSERT INTO people (id, email) VALUES (1, 'a@example.com');",
        ".gitkeep": "",
    ]

    @Test("files are applied in version order, once, and recorded; a second run applies nothing")
    func appliesOnce() async throws {
        try await withMigrations(Self.good) { directory async throws in
            try await PostgresTestSupport.withScratchDatabase { url async throws in
                #expect(try await migrate(url, directory) == ["0001_create_people.sql", "0002_add_email.sql", "0010_seed.sql"])
                #expect(try await recorded(url) == ["1:0001_create_people.sql", "2:0002_add_email.sql", "10:0010_seed.sql"])
                #expect(try await migrate(url, directory) == [])
                let people = try await PostgresTestSupport.withPool(url: url) { try await $0.query("SELECT count(*) AS n FROM people") }
                #expect(try people.rows[0].int("n") == 1)
            }
        }
    }

    @Test("a failing migration is rolled back, names its file, and leaves earlier ones applied")
    func failingMigration() async throws {
        let files = [
            "0001_create_people.sql": "CREATE TABLE people (id bigint PRIMARY KEY);",
            "0002_broken.sql": "CREATE TABLE half_done (id int);\nINSERT INTO no_such_table VALUES (1);",
            "0003_never.sql": "CREATE TABLE never (id int);",
        ]
        try await withMigrations(files) { directory async throws in
            try await PostgresTestSupport.withScratchDatabase { url async throws in
                let error = await #expect(throws: PostgresError.self) { try await migrate(url, directory) }
                #expect(error?.message.contains("0002_broken.sql") == true)
                #expect(error?.sqlState == "42P01")
                let records = try await recorded(url)
                #expect(records == ["1:0001_create_people.sql"])
                let tables = try await PostgresTestSupport.withPool(url: url) { pool async throws in
                    try await pool.query("SELECT to_regclass('half_done') IS NULL AS gone, to_regclass('never') IS NULL AS never").rows[0]
                }
                #expect(try tables.bool("gone"))
                #expect(try tables.bool("never"))
            }
        }
    }

    @Test("a file not named NNNN_name.sql is refused by name before anything runs")
    func badFileName() async throws {
        for bad in ["1_short.sql", "0003-dash.sql", "0004_x.sql.bak", "README.md", "0005_spa ce.sql"] {
            try await withMigrations(["0001_ok.sql": "CREATE TABLE ok (id int);", bad: "SELECT 1;"]) { directory async throws in
                try await PostgresTestSupport.withScratchDatabase { url async throws in
                    let error = await #expect(throws: PostgresError.self) { try await migrate(url, directory) }
                    #expect(error?.message.contains(bad) == true)
                    let ok = try await PostgresTestSupport.withPool(url: url) { try await $0.query("SELECT to_regclass('ok') IS NULL AS absent") }
                    #expect(try ok.rows[0].bool("absent"))
                }
            }
        }
    }

    @Test("two versions with the same number are refused")
    func duplicateVersions() async throws {
        try await withMigrations(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 1;"]) { directory async throws in
            try await PostgresTestSupport.withScratchDatabase { url async throws in
                let error = await #expect(throws: PostgresError.self) { try await migrate(url, directory) }
                #expect(error?.message.contains("0001_a.sql") == true)
            }
        }
    }

    @Test("a file that commits its own transaction is refused")
    func ownCommit() async throws {
        try await withMigrations(["0001_commits.sql": "CREATE TABLE t (id int); COMMIT;"]) { directory async throws in
            try await PostgresTestSupport.withScratchDatabase { url async throws in
                let error = await #expect(throws: PostgresError.self) { try await migrate(url, directory) }
                #expect(error?.message.contains("0001_commits.sql") == true)
                let records = try await recorded(url)
                #expect(records == [])
            }
        }
    }

    @Test("two migrators racing on one database apply each file exactly once")
    func racing() async throws {
        var files = Self.good
        files["0003_slow.sql"] = "SELECT pg_sleep(0.3); CREATE TABLE slow (id int);"
        try await withMigrations(files) { directory async throws in
            try await PostgresTestSupport.withScratchDatabase { url async throws in
                async let first = migrate(url, directory)
                async let second = migrate(url, directory)
                let (a, b) = try await (first, second)
                #expect((a + b).sorted() == ["0001_create_people.sql", "0002_add_email.sql", "0003_slow.sql", "0010_seed.sql"])
                #expect(a.isEmpty || b.isEmpty)
                #expect(try await recorded(url).count == 4)
            }
        }
    }

    @Test("the project's migrations apply to an empty database, and only once")
    func projectMigrations() async throws {
        let directory = URL(fileURLWithPath: try PostgresTestSupport.environment("GATEHOUSE_TEST_MIGRATIONS_DIR"))
        try await PostgresTestSupport.withScratchDatabase { url async throws in
            let applied = try await migrate(url, directory)
            #expect(try await recorded(url).count == applied.count)
            #expect(try await migrate(url, directory) == [])
        }
    }

    @Test("a missing migrations directory is an error naming it")
    func missingDirectory() async throws {
        let directory = URL(fileURLWithPath: "/nonexistent/\(PostgresTestSupport.uniqueName("migrations"))")
        try await PostgresTestSupport.withScratchDatabase { url async throws in
            let error = await #expect(throws: PostgresError.self) { try await migrate(url, directory) }
            #expect(error?.message.contains(directory.path) == true)
        }
    }
}
