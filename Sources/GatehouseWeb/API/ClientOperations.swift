import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/clients`: list, register, read, change, give a new secret, delete (issue 11 item 5),
/// through `ClientAdministration`, the service the console and the CLI call. Every answer about
/// one client carries its revision as `ETag`; every write to one must name it in `If-Match`
/// (428 without, 412 when it is stale). A client the caller does not administer is 404.
struct ClientOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .get, path: "/api/v1/clients", handler: list),
            APIOperation(method: .post, path: "/api/v1/clients", handler: create),
            APIOperation(method: .get, path: "/api/v1/clients/{id}", handler: get),
            APIOperation(method: .patch, path: "/api/v1/clients/{id}", handler: update),
            APIOperation(method: .delete, path: "/api/v1/clients/{id}", handler: delete),
            APIOperation(method: .post, path: "/api/v1/clients/{id}/secret", handler: rotateSecret),
        ]
    }

    var clients: ClientAdministration { dependencies.clients }

    static let registrationFields: Set<String> = [
        "name", "redirect_uris", "post_logout_redirect_uris", "grant_types", "scopes", "require_mfa", "token_lifetimes",
    ]
    static let lifetimeFields: Set<String> = ["access_token", "refresh_token_idle", "refresh_token_absolute"]

    @Sendable func list(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let owner = try call.query("organization_id").map { text in
            guard let id = UUID(uuidString: text) else { throw APIInputError.invalidQuery("organization_id") }
            return id
        }
        let cursor = try call.query("cursor").map { text in
            guard let cursor = CursorText.client(text) else { throw APIInputError.invalidQuery("cursor") }
            return cursor
        }
        let limit = try call.limit(maximum: ClientAdministration.maximumPageSize - 1)
        let found = try await clients.list(owner: owner, after: cursor, limit: limit + 1, by: principal)
        let page = found.prefix(limit)
        let next = found.count > limit ? page.last.map { CursorText.text(ClientCursor(after: $0)) } : nil
        return Responses.api(APIRepresentation.Page(items: page.map { ClientBody($0, secret: nil) }, next: next))
    }

    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let body = try await call.body(allowing: Self.registrationFields.union(["kind", "organization_id"]))
        guard let kind = Client.Kind(rawValue: try body.string("kind")) else { throw APIInputError.invalidField("kind") }
        let owner = try body.optionalString("organization_id").map { text in
            guard let id = UUID(uuidString: text) else { throw APIInputError.invalidField("organization_id") }
            return id
        }
        var registration = ClientRegistration(name: try body.string("name"), kind: kind)
        try Self.apply(body, to: &registration)
        let (client, secret) = try await clients.create(registration, owner: owner, by: principal)
        var response = Responses.api(ClientBody(client, secret: secret), status: .created)
        response.headers[.location] = "/api/v1/clients/" + client.id
        return Self.tagged(response, client)
    }

    @Sendable func get(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let client = try await clients.client(try Self.clientID(call), by: principal)
        return Self.tagged(Responses.api(ClientBody(client, secret: nil)), client)
    }

    /// The fields given replace the stored ones; `token_lifetimes.<name>: null` is the server's.
    @Sendable func update(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try Self.clientID(call)
        // Seen first: another organization's client answers 404 before its input is judged.
        let current = try await clients.client(id, by: principal)
        let body = try await call.body(allowing: Self.registrationFields)
        let revision = try EntityTag.revision(for: call.request, current: current.revision)
        var registration = ClientRegistration(of: current)
        if let name = try body.optionalString("name") { registration.name = name }
        try Self.apply(body, to: &registration)
        let client = try await clients.update(id, revision: revision, by: principal) { $0 = registration }
        return Self.tagged(Responses.api(ClientBody(client, secret: nil)), client)
    }

    @Sendable func delete(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try Self.clientID(call)
        let current = try await clients.client(id, by: principal)
        try await clients.delete(id, revision: try EntityTag.revision(for: call.request, current: current.revision), by: principal)
        return Response(status: .noContent)
    }

    /// A new secret, answered once; `grace_seconds` (default 0) the replaced one keeps working.
    @Sendable func rotateSecret(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try Self.clientID(call)
        let current = try await clients.client(id, by: principal)
        let body = try await call.body(allowing: ["grace_seconds"])
        let revision = try EntityTag.revision(for: call.request, current: current.revision)
        // Out of range is Core's to refuse (`invalidGrace`), as it is for the console and the shell.
        let grace = try body.optionalInt("grace_seconds") ?? 0
        let (client, secret) = try await clients.rotateSecret(id, revision: revision, grace: .seconds(grace), by: principal)
        return Self.tagged(Responses.api(ClientBody(client, secret: secret)), client)
    }

    // MARK: - Parts

    /// Client ids are ours (base64url); anything longer or stranger is simply unknown.
    static func clientID(_ call: APIRequest) throws -> String {
        guard let id = call.parameter("id"), (1...128).contains(id.utf8.count) else { throw APIInputError.unknownID }
        return id
    }

    static func tagged(_ response: Response, _ client: Client) -> Response {
        var response = response
        response.headers[.eTag] = EntityTag.header(client.revision)
        return response
    }

    /// The registration fields other than `name` and `kind`, as given.
    static func apply(_ body: JSONInput, to registration: inout ClientRegistration) throws {
        if let uris = try body.strings("redirect_uris") { registration.redirectURIs = uris }
        if let uris = try body.strings("post_logout_redirect_uris") { registration.postLogoutRedirectURIs = uris }
        if let names = try body.strings("grant_types") {
            registration.grantTypes = try names.map { name in
                guard let grant = GrantType(rawValue: name) else { throw APIInputError.invalidField("grant_types") }
                return grant
            }
        }
        if let scopes = try body.strings("scopes") { registration.scopes = scopes }
        if let requireMFA = try body.optionalBool("require_mfa") { registration.requireMFA = requireMFA }
        if let lifetimes = try body.object("token_lifetimes", allowing: lifetimeFields) {
            try lifetime(lifetimes, "access_token", into: &registration.lifetimes.accessToken)
            try lifetime(lifetimes, "refresh_token_idle", into: &registration.lifetimes.refreshTokenIdle)
            try lifetime(lifetimes, "refresh_token_absolute", into: &registration.lifetimes.refreshTokenAbsolute)
        }
    }

    static func lifetime(_ input: JSONInput, _ field: String, into lifetime: inout Duration?) throws {
        guard let given = try input.nullableInt(field) else { return }
        guard let seconds = given else {
            lifetime = nil
            return
        }
        // Out of range is Core's to say (with the server's maximum); only absurd numbers stop here.
        guard (-1_000_000_000...1_000_000_000).contains(seconds) else { throw APIInputError.invalidField("token_lifetimes." + field) }
        lifetime = .seconds(seconds)
    }

    /// A client as the API shows it; `client_secret` only in the answer that made it.
    struct ClientBody: Encodable {
        let client: Client
        let secret: String?

        init(_ client: Client, secret: String?) {
            self.client = client
            self.secret = secret
        }

        enum CodingKeys: String, CodingKey {
            case id, name, kind, revision, scopes
            case organizationID = "organization_id", redirectURIs = "redirect_uris", postLogoutRedirectURIs = "post_logout_redirect_uris"
            case grantTypes = "grant_types", requireMFA = "require_mfa", tokenLifetimes = "token_lifetimes"
            case previousSecretExpiresAt = "previous_secret_expires_at", createdAt = "created_at", updatedAt = "updated_at"
            case clientSecret = "client_secret"
        }

        enum LifetimeKeys: String, CodingKey {
            case accessToken = "access_token", refreshTokenIdle = "refresh_token_idle", refreshTokenAbsolute = "refresh_token_absolute"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(client.id, forKey: .id)
            try container.encode(client.name, forKey: .name)
            try container.encode(client.kind.rawValue, forKey: .kind)
            try container.encode(client.revision, forKey: .revision)
            try container.encode(client.organizationID.map(APIRepresentation.id), forKey: .organizationID)
            try container.encode(client.redirectURIs, forKey: .redirectURIs)
            try container.encode(client.postLogoutRedirectURIs, forKey: .postLogoutRedirectURIs)
            try container.encode(client.grantTypes.map(\.rawValue), forKey: .grantTypes)
            try container.encode(client.allowedScopes.isEmpty ? Scope.standard.sorted() : client.allowedScopes, forKey: .scopes)
            try container.encode(client.requireMFA, forKey: .requireMFA)
            var lifetimes = container.nestedContainer(keyedBy: LifetimeKeys.self, forKey: .tokenLifetimes)
            try lifetimes.encode(client.lifetimes.accessToken?.components.seconds, forKey: .accessToken)
            try lifetimes.encode(client.lifetimes.refreshTokenIdle?.components.seconds, forKey: .refreshTokenIdle)
            try lifetimes.encode(client.lifetimes.refreshTokenAbsolute?.components.seconds, forKey: .refreshTokenAbsolute)
            try container.encode(client.previousSecret.map { APIRepresentation.time($0.expiresAt) }, forKey: .previousSecretExpiresAt)
            try container.encode(APIRepresentation.time(client.createdAt), forKey: .createdAt)
            try container.encode(client.updatedAt.map(APIRepresentation.time), forKey: .updatedAt)
            if let secret { try container.encode(secret, forKey: .clientSecret) }
        }
    }
}
