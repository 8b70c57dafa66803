import Foundation

/// Registering and changing clients (issue 11 item 5), one service for the console, the API and
/// the CLI (as the operator, `Principal.serverOperator`): who may is `ClientAccess`, what may be
/// registered is `ClientRegistration`, and a change names the revision it was based on, so two
/// administrators never overwrite each other silently. A new secret (256 random bits) is
/// returned once and stored only as its SHA-256 digest.
public struct ClientAdministration: Sendable {
    let clients: any ClientStore
    let organizations: any OrganizationStore
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let audit: any AuditLog
    let clock: any Clock

    public init(clients: any ClientStore, organizations: any OrganizationStore, crypto: any CryptoPrimitives,
                settings: ProviderSettings, audit: any AuditLog, clock: any Clock) {
        self.clients = clients
        self.organizations = organizations
        self.crypto = crypto
        self.settings = settings
        self.audit = audit
        self.clock = clock
    }

    public enum Refusal: Error, Equatable, Sendable {
        case invalid(ClientRegistration.Problem)
        /// Unknown, or a client the caller does not administer.
        case notFound
        /// The caller administers no clients, or may not place one there (a platform client by
        /// a `client_admin`).
        case notPermitted
        /// The client changed since the revision the change was based on.
        case stale(current: Int64)
        /// A public client has no secret to rotate.
        case noSecret
        /// A grace period beyond `maximumGrace`, or negative.
        case invalidGrace
    }

    /// At most this many clients a page.
    public static let maximumPageSize = 200
    /// The longest a replaced secret keeps working after a rotation.
    public static let maximumGrace: Duration = .seconds(30 * 24 * 3600)

    /// A page of the clients the caller administers, newest first; `owner` narrows to one
    /// organization's (one the caller does not administer lists nothing, like an unknown one).
    public func list(owner: UUID?, after cursor: ClientCursor?, limit: Int, by principal: Principal) async throws -> [Client] {
        var owners = ClientAccess.owners(administeredBy: principal)
        if owners?.isEmpty == true { throw Refusal.notPermitted }
        if let owner { owners = owners.map { $0.intersection([owner]) } ?? [owner] }
        return try await clients.list(owners: owners, after: cursor, limit: min(max(limit, 0), Self.maximumPageSize))
    }

    public func client(_ id: String, by principal: Principal) async throws -> Client {
        guard let client = try await clients.find(id: id) else {
            // Someone who administers no clients learns nothing from ids either.
            if ClientAccess.owners(administeredBy: principal)?.isEmpty == true { throw Refusal.notPermitted }
            throw Refusal.notFound
        }
        switch ClientAccess.decide(principal, owner: client.organizationID) {
        case .allowed: return client
        case .outside: throw Refusal.notFound
        case .notPermitted: throw Refusal.notPermitted
        }
    }

    /// Registers a client owned by `owner` (nil: a platform client, which only platform roles
    /// register); returns it and, unless it is public, its secret (shown once).
    public func create(_ registration: ClientRegistration, owner: UUID?, by principal: Principal) async throws
        -> (client: Client, secret: String?) {
        switch ClientAccess.decide(principal, owner: owner) {
        case .allowed: break
        case .outside: throw owner == nil ? Refusal.notPermitted : Refusal.notFound
        case .notPermitted: throw Refusal.notPermitted
        }
        let judged = try judge(registration)
        if let owner, try await organizations.find(id: owner) == nil { throw Refusal.notFound }
        let now = clock.now
        let secret = judged.kind == .public ? nil : crypto.randomToken()
        var client = Client(id: crypto.randomToken(byteCount: 16), secretDigest: secret.map { crypto.sha256($0) },
                            name: judged.name, redirectURIs: [], grantTypes: [], allowedScopes: [], createdAt: now,
                            organizationID: owner, updatedAt: now, createdBy: principal.userID, updatedBy: principal.userID)
        Self.apply(judged, to: &client)
        try await clients.create(client)
        await record(.clientCreated, client, by: principal, at: now, details: ["kind": client.kind.rawValue])
        return (client, secret)
    }

    /// Changes what `change` changes of the registration, based on `revision` (nil: whatever is
    /// stored now, for the operator's shell). Whether it has a secret stays: a public client never
    /// gains one here, a confidential one never loses it (a service is a confidential client
    /// whose only grant is `client_credentials`).
    public func update(_ id: String, revision: Int64?, by principal: Principal,
                       _ change: (inout ClientRegistration) throws -> Void) async throws -> Client {
        var client = try await current(id, revision: revision, by: principal)
        var registration = ClientRegistration(of: client)
        try change(&registration)
        registration.kind = client.isPublic ? .public : .confidential
        let judged = try judge(registration)
        Self.apply(judged, to: &client)
        let now = clock.now
        (client.updatedAt, client.updatedBy) = (now, principal.userID)
        try await save(client)
        await record(.clientUpdated, client, by: principal, at: now, details: [:])
        client.revision += 1
        return client
    }

    /// A new secret, returned once; the replaced one keeps working for `grace` (zero: not at all).
    public func rotateSecret(_ id: String, revision: Int64?, grace: Duration, by principal: Principal) async throws
        -> (client: Client, secret: String) {
        guard grace >= .zero, grace <= Self.maximumGrace, grace.components.attoseconds == 0 else { throw Refusal.invalidGrace }
        var client = try await current(id, revision: revision, by: principal)
        guard let old = client.secretDigest else { throw Refusal.noSecret }
        let now = clock.now, secret = crypto.randomToken()
        client.secretDigest = crypto.sha256(secret)
        client.previousSecret = grace > .zero ? Client.RetiredSecret(digest: old, expiresAt: now.addingTimeInterval(grace.timeInterval)) : nil
        (client.updatedAt, client.updatedBy) = (now, principal.userID)
        try await save(client)
        await record(.clientSecretRotated, client, by: principal, at: now, details: ["grace_seconds": "\(grace.components.seconds)"])
        client.revision += 1
        return (client, secret)
    }

    /// Deletes the client; its consents and refresh tokens go with it.
    public func delete(_ id: String, revision: Int64?, by principal: Principal) async throws {
        let client = try await current(id, revision: revision, by: principal)
        guard try await clients.delete(id: id) else { throw Refusal.notFound }
        await record(.clientDeleted, client, by: principal, at: clock.now, details: [:])
    }

    // MARK: - Parts

    func judge(_ registration: ClientRegistration) throws -> ClientRegistration {
        do {
            return try registration.judged(settings: settings)
        } catch {
            throw Refusal.invalid(error)
        }
    }

    /// The client the caller administers, at `revision` when one is named.
    func current(_ id: String, revision: Int64?, by principal: Principal) async throws -> Client {
        let client = try await client(id, by: principal)
        if let revision, revision != client.revision { throw Refusal.stale(current: client.revision) }
        return client
    }

    /// Stores the change; one that lost a race to another administrator's is stale.
    func save(_ client: Client) async throws {
        guard try await clients.update(client) else {
            guard let stored = try await clients.find(id: client.id) else { throw Refusal.notFound }
            throw Refusal.stale(current: stored.revision)
        }
    }

    static func apply(_ registration: ClientRegistration, to client: inout Client) {
        client.name = registration.name
        client.redirectURIs = registration.redirectURIs
        client.postLogoutRedirectURIs = registration.postLogoutRedirectURIs
        client.grantTypes = registration.grantTypes
        client.allowedScopes = registration.scopes
        client.requireMFA = registration.requireMFA
        client.lifetimes = registration.lifetimes
    }

    func record(_ type: AuditEventType, _ client: Client, by principal: Principal, at now: Date, details: [String: String]) async {
        var details = details
        if let owner = client.organizationID { details["organization_id"] = owner.uuidString.lowercased() }
        await audit.record(AuditEvent(type: type, occurredAt: now, actor: principal.auditActor, subject: principal.userID,
                                      clientID: client.id, details: details))
    }
}
