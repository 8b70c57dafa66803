import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse client …`: register and manage relying parties through `ClientAdministration`, the
/// service the console and the API call, as the operator at the server's shell. A confidential
/// client's secret (256 random bits) is printed once and stored only as its SHA-256 digest.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Register and manage clients.",
        subcommands: [Create.self, List.self, Update.self, RotateSecret.self, Delete.self])

    /// What create and update share: each given list replaces the stored one.
    struct RegistrationOptions: ParsableArguments {
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI (repeatable); matched exactly.") var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri"), help: "A post-logout redirect URI (repeatable).")
        var postLogoutRedirectURIs: [String] = []
        @Option(name: .customLong("grant-type"), help: "authorization_code, refresh_token or client_credentials (repeatable).")
        var grantTypes: [String] = []
        @Option(name: .customLong("scope"), help: "A scope the client may ask for (repeatable); default: the standard ones.")
        var scopes: [String] = []
        @Option(name: .customLong("access-token-lifetime"), help: "Seconds; at most the server's (default: the server's).")
        var accessTokenLifetime: Int?
        @Option(name: .customLong("refresh-token-idle-lifetime"), help: "Seconds; at most the server's.")
        var refreshTokenIdleLifetime: Int?
        @Option(name: .customLong("refresh-token-absolute-lifetime"), help: "Seconds; at most the server's.")
        var refreshTokenAbsoluteLifetime: Int?

        func grants() throws -> [GrantType] {
            try grantTypes.map { name in
                guard let grant = GrantType(rawValue: name) else {
                    throw ValidationError("unknown grant type \(name): use authorization_code, refresh_token or client_credentials")
                }
                return grant
            }
        }

        /// Applies what was given to `registration`; what was not stays.
        func apply(to registration: inout ClientRegistration) throws {
            if !redirectURIs.isEmpty { registration.redirectURIs = redirectURIs }
            if !postLogoutRedirectURIs.isEmpty { registration.postLogoutRedirectURIs = postLogoutRedirectURIs }
            if !grantTypes.isEmpty { registration.grantTypes = try grants() }
            if !scopes.isEmpty { registration.scopes = scopes }
            if let accessTokenLifetime { registration.lifetimes.accessToken = .seconds(accessTokenLifetime) }
            if let refreshTokenIdleLifetime { registration.lifetimes.refreshTokenIdle = .seconds(refreshTokenIdleLifetime) }
            if let refreshTokenAbsoluteLifetime { registration.lifetimes.refreshTokenAbsolute = .seconds(refreshTokenAbsoluteLifetime) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a client; prints its id and (once) its secret.")
        @Option(help: "A name users see on the consent page.") var name: String
        @Flag(help: "A public client (SPA or native app): no secret, PKCE required.") var `public` = false
        @Flag(help: "A service: a secret and only the client_credentials grant (no user signs in to it).") var service = false
        @Option(help: "The organization (id or slug) that owns it; its client_admins manage it. Default: a platform client.")
        var organization: String?
        @OptionGroup var registration: RegistrationOptions
        @Flag(name: .customLong("require-mfa"), help: "Users must prove a second factor to sign in to this client.")
        var requireMFA = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if `public` && service { throw ValidationError("a client is public or a service, not both") }
        }

        func run() async throws {
            let kind: Client.Kind = `public` ? .public : service ? .service : .confidential
            var draft = ClientRegistration(name: name, kind: kind, requireMFA: requireMFA)
            try registration.apply(to: &draft)
            let (client, secret) = try await withOrganizationServices { services in
                let owner = try await services.organizationID(organization)
                return try await services.clients.create(draft, owner: owner, by: services.principal)
            }
            try ClientOutput.print(client, secret: secret, json: json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients, newest first.")
        @Option(help: "Only the clients of this organization (id or slug).") var organization: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let clients = try await withOrganizationServices { services in
                let owner = try await services.organizationID(organization)
                var all: [Client] = [], cursor: ClientCursor?
                repeat {
                    let page = try await services.clients.list(owner: owner, after: cursor, limit: ClientAdministration.maximumPageSize,
                                                               by: services.principal)
                    all += page
                    cursor = page.count == ClientAdministration.maximumPageSize ? page.last.map(ClientCursor.init(after:)) : nil
                } while cursor != nil
                return all
            }
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
        @OptionGroup var registration: RegistrationOptions
        @Flag(name: .customLong("require-mfa"), inversion: .prefixedNo,
              help: "Whether users must prove a second factor to sign in to this client (unchanged when not given).")
        var requireMFA: Bool?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let client = try await withOrganizationServices { services in
                try await services.clients.update(clientID, revision: nil, by: services.principal) { draft in
                    if let name { draft.name = name }
                    try registration.apply(to: &draft)
                    if let requireMFA { draft.requireMFA = requireMFA }
                }
            }
            try ClientOutput.print(client, secret: nil, json: json)
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Replace a confidential client's secret; the old one stops working (at once, or after --grace-hours).")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The client id.", valueName: "client-id"))
        var clientIDArguments: [String] = []
        var clientID: String { (try? IdentifierArgument.single(clientIDArguments, naming: "client id")) ?? "" }
        func validate() throws { _ = try IdentifierArgument.single(clientIDArguments, naming: "client id") }
        @Option(name: .customLong("grace-hours"), help: "Hours the old secret keeps working, to deploy the new one (default 0).")
        var graceHours: Int = 0
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (client, secret) = try await withOrganizationServices { services in
                try await services.clients.rotateSecret(clientID, revision: nil, grace: .seconds(graceHours * 3600), by: services.principal)
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
            try await withOrganizationServices { services in
                try await services.clients.delete(clientID, revision: nil, by: services.principal)
            }
            print("deleted client \(clientID)")
        }
    }
}
