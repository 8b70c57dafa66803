import ArgumentParser
import GatehouseCrypto

/// `gatehouse keys generate`: adds a signing key to `GATEHOUSE_KEYS_DIR` (newest signs).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.",
                                                    subcommands: [Generate.self, List.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate a new RSA-2048 signing key.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [])
            let key = try KeyDirectory.generate(in: config.keysDirectory)
            if json { try printJSON(["kid": key.kid]) } else { print("generated signing key \(key.kid) in \(config.keysDirectory)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the published keys; the first signs.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [])
            let keys = try KeyDirectory.load(from: config.keysDirectory)
            let ids = keys.isEmpty ? [] : try RS256Signer(keys: keys).keyIDs
            if json { try printJSON(ids) } else { ids.forEach { print($0) } }
        }
    }
}
