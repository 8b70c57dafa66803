import Foundation
import GatehousePostgres

/// Refuses to serve on a database that lacks migrations, with the command that fixes it.
enum MigrationCheck {
    static func requireCurrent(_ backends: Backends) async throws {
        let directory = backends.configuration.migrationsDirectory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".sql") }
        let applied: Int
        do {
            applied = try await backends.postgres.query("SELECT count(*) AS n FROM schema_migrations").rows.first?.int("n") ?? 0
        } catch let error as PostgresError where error.sqlState == "42P01" {
            applied = 0
        }
        guard applied >= files.count else {
            throw OperatorError("the database lacks \(files.count - applied) migration(s) from \(directory): run `gatehouse migrate` first")
        }
    }
}
