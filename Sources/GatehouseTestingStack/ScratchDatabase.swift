import Foundation
import GatehousePostgres

/// A database of its own for one test, made from `GATEHOUSE_TEST_DATABASE_URL` and dropped
/// afterwards. For tests that look at a whole table (the email outbox: claim "every due row")
/// and so must not see rows that tests running in parallel write to the shared database.
public enum ScratchDatabase {
    /// Creates an empty database, runs the given files from `migrations/` in it, and hands
    /// `body` a pool on it; the database is dropped whatever `body` does.
    public static func with<T>(migrations: [String], maxConnections: Int = 4,
                               _ body: (PostgresPool) async throws -> T) async throws -> T {
        try await withURL(migrations: migrations, maxConnections: maxConnections) { _, pool in try await body(pool) }
    }

    /// `with` every file in `migrations/`, in order: the whole schema, for tests that count or
    /// list across a table other tests write to at the same time.
    public static func withEveryMigration<T>(maxConnections: Int = 4, _ body: (PostgresPool) async throws -> T) async throws -> T {
        let migrations = try FileManager.default.contentsOfDirectory(
            atPath: TestServices.repositoryRoot.appendingPathComponent("migrations").path).filter { $0.hasSuffix(".sql") }.sorted()
        return try await with(migrations: migrations, maxConnections: maxConnections, body)
    }

    /// `with`, also handing `body` the database's URL (for a `gatehouse` process run against it).
    public static func withURL<T>(migrations: [String], maxConnections: Int = 4,
                                  _ body: (_ url: String, _ pool: PostgresPool) async throws -> T) async throws -> T {
        let base = try TestServices.variable("GATEHOUSE_TEST_DATABASE_URL")
        let name = "gatehouse_scratch_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try TestServices.postgres()
        try await admin.withConnection { try $0.execute(script: "CREATE DATABASE \(name)") }
        let scratchURL = try url(base, database: name)
        let pool = PostgresPool(url: scratchURL, maxConnections: maxConnections, logger: TestServices.logger)
        do {
            for file in migrations {
                let sql = try String(contentsOf: TestServices.repositoryRoot.appendingPathComponent("migrations/\(file)"), encoding: .utf8)
                try await pool.withConnection { try $0.execute(script: sql) }
            }
            let result = try await body(scratchURL, pool)
            await pool.shutdown()
            try await admin.withConnection { try $0.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            return result
        } catch {
            await pool.shutdown()
            _ = try? await admin.withConnection { try $0.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            throw error
        }
    }

    /// The test URL pointed at another database, in URI (`postgresql://…/db?…`) or conninfo form.
    static func url(_ base: String, database: String) throws -> String {
        guard let schemeEnd = base.range(of: "://") else { return base + " dbname=\(database)" }
        let queryStart = base.firstIndex(of: "?") ?? base.endIndex
        let main = base[..<queryStart]
        let pathStart = main[schemeEnd.upperBound...].firstIndex(of: "/") ?? main.endIndex
        return main[..<pathStart] + "/" + database + base[queryStart...]
    }
}
