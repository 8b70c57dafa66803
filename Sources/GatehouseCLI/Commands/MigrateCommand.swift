import ArgumentParser

/// `gatehouse migrate`: applies `migrations/NNNN_name.sql` not yet applied.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations.")

    func run() async throws {
        let config = try loadConfiguration(requiring: [.database])
        let applied = try await withBackends(config) { try await $0.migrator.migrate() }
        print(applied.isEmpty ? "database is up to date" : "applied: \(applied.joined(separator: ", "))")
    }
}
