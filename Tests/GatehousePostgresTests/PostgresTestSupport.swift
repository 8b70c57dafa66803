import Foundation
import GatehousePostgres
import Logging
import Testing

/// Connection details from `./dev test` and helpers that keep parallel tests apart: each test
/// gets its own pool (tagged with a unique application_name), its own tables or its own scratch
/// database. Without the environment the tests fail, never skip: a skipped database test looks
/// like a passing one.
enum PostgresTestSupport {
    struct MissingEnvironment: Error, CustomStringConvertible {
        let variable: String
        var description: String {
            "\(variable) is not set. Run the tests with ./dev test, which starts a private PostgreSQL and Redis and sets it."
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "gatehouse.postgres.tests")
        logger.logLevel = .warning
        return logger
    }

    static func environment(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw MissingEnvironment(variable: variable)
        }
        return value
    }

    static func databaseURL() throws -> String {
        try environment("GATEHOUSE_TEST_DATABASE_URL")
    }

    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The test URL with another database and/or an application_name, in URI or conninfo form.
    static func url(_ base: String, database: String? = nil, applicationName: String? = nil) -> String {
        guard let schemeEnd = base.range(of: "://") else {
            return base + (database.map { " dbname=\($0)" } ?? "") + (applicationName.map { " application_name=\($0)" } ?? "")
        }
        let queryStart = base.firstIndex(of: "?") ?? base.endIndex
        var main = String(base[..<queryStart])
        if let database {
            let pathStart = main[schemeEnd.upperBound...].firstIndex(of: "/") ?? main.endIndex
            main = main[..<pathStart] + "/" + database
        }
        var query = base[queryStart...].dropFirst().split(separator: "&").map(String.init)
        if let applicationName { query.append("application_name=\(applicationName)") }
        return query.isEmpty ? main : main + "?" + query.joined(separator: "&")
    }

    /// A pool that is always shut down, whatever `body` does.
    static func withPool<T>(
        url: String? = nil, applicationName: String? = nil, maxConnections: Int = 2,
        _ body: (PostgresPool) async throws -> T
    ) async throws -> T {
        let pool = PostgresPool(url: self.url(try url ?? databaseURL(), applicationName: applicationName),
                                maxConnections: maxConnections, logger: logger)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    /// A database of its own for `body` (migrations need an empty schema), dropped afterwards.
    static func withScratchDatabase<T>(_ body: (_ url: String) async throws -> T) async throws -> T {
        let base = try databaseURL()
        let name = uniqueName("gatehouse_scratch")
        try await withPool(maxConnections: 1) { admin async throws in
            try await admin.withConnection { try $0.execute(script: "CREATE DATABASE \(name)") }
        }
        do {
            let result = try await body(url(base, database: name))
            try await dropDatabase(name)
            return result
        } catch {
            try? await dropDatabase(name)
            throw error
        }
    }

    private static func dropDatabase(_ name: String) async throws {
        try await withPool(maxConnections: 1) { admin async throws in
            try await admin.withConnection { try $0.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
    }
}
