import ArgumentParser
import Foundation

/// The `gatehouse` executable: one command with subcommands.
@main
struct GatehouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Gatehouse: an OAuth 2.0 / OpenID Connect identity provider.",
        discussion: "Configuration comes from GATEHOUSE_* environment variables; see README.md.",
        subcommands: [ServeCommand.self, MigrateCommand.self, KeysCommand.self, ClientCommand.self, UserCommand.self,
                      OrganizationCommand.self, InviteCommand.self, RoleCommand.self, AdminCommand.self, AuditCommand.self,
                      BulkCommand.self, ImportCommand.self, DemoCommand.self])
}

/// Loads the configuration a command needs, turning problems into a clean exit message.
func loadConfiguration(requiring requirements: Set<GatehouseConfiguration.Requirement>) throws -> GatehouseConfiguration {
    do {
        return try GatehouseConfiguration.load(requiring: requirements)
    } catch {
        throw ValidationError(error.description)
    }
}

/// Prints a value as one JSON document on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
