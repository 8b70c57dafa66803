internal import CLibPQ
public import Foundation
public import Logging

/// Brings the schema up to date from `migrations/NNNN_name.sql`, run by `gatehouse migrate`
/// and before tests.
///
/// Each file is applied once, in version order, in its own transaction together with its row in
/// `schema_migrations`, so a failing file leaves nothing behind and is retried next time. The whole
/// run holds a session-level `pg_advisory_lock` on one connection: several instances starting at
/// once queue up, and each later one finds the work done. Files must not contain their own
/// BEGIN/COMMIT, nor statements that refuse transactions (`CREATE INDEX CONCURRENTLY`).
public struct PostgresMigrator {
    /// An arbitrary constant shared by every Gatehouse instance (ASCII "gatehous").
    static let advisoryLockKey = 0x6761_7465_686F_7573

    private let pool: PostgresPool
    private let directory: URL
    private let logger: Logger

    public init(pool: PostgresPool, directory: URL, logger: Logger) {
        self.pool = pool
        self.directory = directory
        self.logger = logger
    }

    /// Applies the pending files and returns their file names, in order.
    public func migrate() async throws -> [String] {
        let files = try MigrationFile.list(in: directory)
        let scripts = try files.map { file in
            do {
                return try String(contentsOf: file.url, encoding: .utf8)
            } catch {
                throw PostgresError(message: "cannot read migration \(file.fileName): \(error.localizedDescription)")
            }
        }
        let logger = logger
        return try await pool.withConnection { connection in
            _ = try connection.query("SELECT pg_advisory_lock($1::bigint)", [.int(Self.advisoryLockKey)])
            defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [.int(Self.advisoryLockKey)]) }
            try connection.execute(script: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let applied = try Set(connection.query("SELECT version FROM schema_migrations").rows.map { try $0.int("version") })
            var appliedNow: [String] = []
            for (file, script) in zip(files, scripts) where !applied.contains(file.version) {
                try Self.apply(file, script: script, on: connection)
                logger.info("applied migration", metadata: ["migration": "\(file.fileName)"])
                appliedNow.append(file.fileName)
            }
            return appliedNow
        }
    }

    /// One file and its record in one transaction; any failure rolls both back.
    private static func apply(_ file: MigrationFile, script: String, on connection: PostgresConnection) throws {
        let session = connection.connection
        do {
            try session.simpleCommand("BEGIN")
            try connection.execute(script: script)
            guard session.transactionStatus == PQTRANS_INTRANS else {
                throw PostgresError(message: "it ended the migration's transaction itself (remove BEGIN/COMMIT/ROLLBACK from the file)")
            }
            _ = try connection.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                     [.int(file.version), .text(file.fileName)])
            try session.simpleCommand("COMMIT")
        } catch {
            try? session.simpleCommand("ROLLBACK")
            let cause = error as? PostgresError
            throw PostgresError(sqlState: cause?.sqlState,
                                message: "migration \(file.fileName) failed and was rolled back: \(cause?.message ?? "\(error)")")
        }
    }
}
