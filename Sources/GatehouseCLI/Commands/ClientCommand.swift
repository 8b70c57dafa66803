import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse client …`: register and manage relying parties. A confidential client's secret
/// (256 random bits) is printed once and stored only as its SHA-256 digest.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Register and manage clients.",
        subcommands: [Create.self, List.self, Update.self, RotateSecret.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a client; prints its id and (once) its secret.")
        @Option(help: "A name users see on the consent page.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI (repeatable); matched exactly.") var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri"), help: "A post-logout redirect URI (repeatable).")
        var postLogoutRedirectURIs: [String] = []
        @Flag(help: "A public client (SPA or native app): no secret, PKCE required.") var `public` = false
        @Option(name: .customLong("grant-type"), help: "authorization_code, refresh_token or client_credentials (repeatable).")
        var grantTypes: [String] = []
        @Option(name: .customLong("scope"), help: "A scope the client may ask for (repeatable); default: openid profile email offline_access.")
        var scopes: [String] = []
        @Flag(name: .customLong("require-mfa"), help: "Users must prove a second factor to sign in to this client.")
        var requireMFA = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let grants = try ClientRegistration.grantTypes(grantTypes, isPublic: `public`)
            try ClientRegistration.check(redirectURIs: redirectURIs, postLogout: postLogoutRedirectURIs, grants: grants)
            let (client, secret) = try await withBackends(config) { backends in
                let secret = `public` ? nil : backends.crypto.randomToken()
                let client = Client(
                    id: backends.crypto.randomToken(byteCount: 16), secretDigest: secret.map { backends.crypto.sha256($0) },
                    name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs,
                    grantTypes: grants, allowedScopes: scopes, createdAt: backends.clock.now, requireMFA: requireMFA)
                try await backends.clients.create(client)
                try await backends.recordOperatorAction("client create", key: auditKey, clientID: client.id,
                                                        details: ["public": "\(client.isPublic)"])
                return (client, secret)
            }
            try ClientOutput.print(client, secret: secret, json: json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients.")
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let clients = try await withBackends(config) { try await $0.clients.list() }
            if json {
                try printJSON(clients.map { ClientOutput.Record($0, secret: nil) })
            } else if clients.isEmpty {
                print("no clients")
            } else {
                for client in clients { ClientOutput.printText(client, secret: nil); print("") }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a client; lists given replace the stored ones.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The client id.", valueName: "client-id"))
        var clientIDArguments: [String] = []
        var clientID: String { (try? IdentifierArgument.single(clientIDArguments, naming: "client id")) ?? "" }
        func validate() throws { _ = try IdentifierArgument.single(clientIDArguments, naming: "client id") }
        @Option(help: "A new name.") var name: String?
        @Option(name: .customLong("redirect-uri")) var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri")) var postLogoutRedirectURIs: [String] = []
        @Option(name: .customLong("grant-type")) var grantTypes: [String] = []
        @Option(name: .customLong("scope")) var scopes: [String] = []
        @Flag(name: .customLong("require-mfa"), inversion: .prefixedNo,
              help: "Whether users must prove a second factor to sign in to this client (unchanged when not given).")
        var requireMFA: Bool?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let client = try await withBackends(config) { backends in
                guard var client = try await backends.clients.find(id: clientID) else {
                    throw ValidationError("no client with id \(clientID)")
                }
                if let name { client.name = name }
                if !redirectURIs.isEmpty { client.redirectURIs = redirectURIs }
                if !postLogoutRedirectURIs.isEmpty { client.postLogoutRedirectURIs = postLogoutRedirectURIs }
                if !grantTypes.isEmpty { client.grantTypes = try ClientRegistration.grantTypes(grantTypes, isPublic: client.isPublic) }
                if !scopes.isEmpty { client.allowedScopes = scopes }
                if let requireMFA { client.requireMFA = requireMFA }
                try ClientRegistration.check(redirectURIs: client.redirectURIs, postLogout: client.postLogoutRedirectURIs,
                                             grants: client.grantTypes)
                _ = try await backends.clients.update(client)
                try await backends.recordOperatorAction("client update", key: auditKey, clientID: client.id)
                return client
            }
            try ClientOutput.print(client, secret: nil, json: json)
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate-secret",
                                                        abstract: "Replace a confidential client's secret; the old one stops working.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The client id.", valueName: "client-id"))
        var clientIDArguments: [String] = []
        var clientID: String { (try? IdentifierArgument.single(clientIDArguments, naming: "client id")) ?? "" }
        func validate() throws { _ = try IdentifierArgument.single(clientIDArguments, naming: "client id") }
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let (client, secret) = try await withBackends(config) { backends in
                guard var client = try await backends.clients.find(id: clientID) else {
                    throw ValidationError("no client with id \(clientID)")
                }
                guard !client.isPublic else { throw ValidationError("client \(clientID) is public: it has no secret") }
                let secret = backends.crypto.randomToken()
                client.secretDigest = backends.crypto.sha256(secret)
                _ = try await backends.clients.update(client)
                try await backends.recordOperatorAction("client rotate-secret", key: auditKey, clientID: client.id)
                return (client, secret)
            }
            try ClientOutput.print(client, secret: secret, json: json)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a client, its consents and refresh tokens.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The client id.", valueName: "client-id"))
        var clientIDArguments: [String] = []
        var clientID: String { (try? IdentifierArgument.single(clientIDArguments, naming: "client id")) ?? "" }
        func validate() throws { _ = try IdentifierArgument.single(clientIDArguments, naming: "client id") }

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            try await withBackends(config) { backends in
                guard try await backends.clients.delete(id: clientID) else {
                    throw ValidationError("no client with id \(clientID)")
                }
                try await backends.recordOperatorAction("client delete", key: auditKey, clientID: clientID)
            }
            print("deleted client \(clientID)")
        }
    }
}
