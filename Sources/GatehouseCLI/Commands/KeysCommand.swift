import ArgumentParser
import Foundation
import GatehouseCrypto

/// `gatehouse keys`: the signing keys in `GATEHOUSE_KEYS_DIR`, and their rotation. A new key is
/// published at once and signs after `GATEHOUSE_KEY_PUBLISH_DELAY` (`SigningKeySchedule`);
/// running servers pick it up within `GATEHOUSE_KEYS_RELOAD_INTERVAL`.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.",
                                                    subcommands: [Generate.self, List.self, Retire.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a new RSA-2048 signing key: published now, signing after the publish delay.")
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: ArgumentHelp("Sign with the new key at once, skipping the publish delay (after a key leaked).",
                                 discussion: "Relying parties that cached the JWKS refuse its tokens until they fetch it again (at most 5 minutes)."))
        var now = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [])
            let key = now
                ? try KeyDirectory.generate(in: config.keysDirectory,
                                            publishedAt: Date().addingTimeInterval(-TimeInterval(config.keyPublishDelay) - 1))
                : try KeyDirectory.generate(in: config.keysDirectory)
            let status = try KeyStatus.all(config).first { $0.kid == key.kid }
            if json {
                try printJSON(["kid": key.kid, "signs_from": status?.signsFrom.map(KeyStatus.timestamp) ?? "now"])
            } else if let from = status?.signsFrom {
                print("generated signing key \(key.kid) in \(config.keysDirectory): published now, signs from \(KeyStatus.timestamp(from))")
            } else {
                print("generated signing key \(key.kid) in \(config.keysDirectory): it signs now")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the published keys, newest first, and which one signs.")
        @Flag(help: "Print JSON: an array of {kid, published_at, state, signs_from?}.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [])
            let statuses = try KeyStatus.all(config)
            if json {
                try printJSON(statuses.map(\.json))
            } else {
                statuses.forEach { print($0.line) }
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a key that no longer signs, once the tokens it signed have expired.",
            discussion: "Tokens signed with a removed key stop verifying: retire a key only after its successor has signed for longer than the longest token lifetime.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The key id (kid).", valueName: "kid"))
        var kidArguments: [String] = []
        var kid: String { (try? IdentifierArgument.single(kidArguments, naming: "key id")) ?? "" }
        func validate() throws { _ = try IdentifierArgument.single(kidArguments, naming: "key id") }

        func run() async throws {
            let config = try loadConfiguration(requiring: [])
            do {
                try KeyDirectory.retire(kid: kid, in: config.keysDirectory, now: Date(),
                                        publishDelay: TimeInterval(config.keyPublishDelay))
            } catch let error as KeyDirectoryError {
                throw ValidationError(error.description)
            }
            print("retired signing key \(kid): it is no longer published")
        }
    }
}

/// One key's place in the rotation, for `keys list` and `keys generate`.
struct KeyStatus {
    enum State: String { case signing, next, previous }

    let kid: String
    let publishedAt: Date
    let state: State
    /// When a `next` key starts signing.
    let signsFrom: Date?

    static func all(_ config: GatehouseConfiguration, now: Date = Date()) throws -> [KeyStatus] {
        let schedule = SigningKeySchedule(entries: try KeyDirectory.entries(in: config.keysDirectory),
                                          publishDelay: TimeInterval(config.keyPublishDelay))
        let signer = schedule.signer(at: now)
        return schedule.entries.map { entry in
            let state: State = entry.key.kid == signer?.key.kid ? .signing
                : entry.publishedAt > (signer?.publishedAt ?? .distantPast) ? .next : .previous
            return KeyStatus(kid: entry.key.kid, publishedAt: entry.publishedAt, state: state,
                             signsFrom: state == .next ? schedule.signsFrom(entry, at: now) : nil)
        }
    }

    var json: [String: String] {
        var object = ["kid": kid, "published_at": Self.timestamp(publishedAt), "state": state.rawValue]
        if let signsFrom { object["signs_from"] = Self.timestamp(signsFrom) }
        return object
    }

    var line: String {
        switch state {
        case .signing: "\(kid)  signing    published \(Self.timestamp(publishedAt))"
        case .next: "\(kid)  next       published \(Self.timestamp(publishedAt)), signs from \(signsFrom.map(Self.timestamp) ?? "?")"
        case .previous: "\(kid)  previous   published \(Self.timestamp(publishedAt)), still verifies; retire it once its tokens expired"
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
