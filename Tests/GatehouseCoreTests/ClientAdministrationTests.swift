import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `ClientRegistration` and `ClientAdministration` on the twins (issue 11 item 5): what may be
/// registered, who administers which client, stale writes, secret rotation with a grace period,
/// and per-client lifetimes that never exceed the server's.
@Suite("Client administration")
struct ClientAdministrationTests {
    static let settings = ProviderSettings(issuer: "https://id.gatehouse.test")

    struct Row: Sendable, CustomTestStringConvertible {
        let rule: String
        let registration: ClientRegistration
        let problem: ClientRegistration.Problem?
        var testDescription: String { rule }
    }

    static let web = ["https://app.example/cb"]

    static let rows: [Row] = [
        Row(rule: "a confidential web app gets the code and refresh grants by default",
            registration: ClientRegistration(name: "  Reports  ", kind: .confidential, redirectURIs: web), problem: nil),
        Row(rule: "a name of spaces", registration: ClientRegistration(name: "   ", kind: .confidential, redirectURIs: web),
            problem: .invalidName),
        Row(rule: "a name with a control character", registration: ClientRegistration(name: "A\u{7}B", kind: .confidential, redirectURIs: web),
            problem: .invalidName),
        Row(rule: "the code grant without a redirect URI", registration: ClientRegistration(name: "A", kind: .confidential),
            problem: .redirectURIRequired),
        Row(rule: "a redirect URI with a fragment", registration: ClientRegistration(name: "A", kind: .public, redirectURIs: ["https://a.example/cb#x"]),
            problem: .unregistrableURI("https://a.example/cb#x")),
        Row(rule: "plain http off loopback", registration: ClientRegistration(name: "A", kind: .public, redirectURIs: ["http://a.example/cb"]),
            problem: .unregistrableURI("http://a.example/cb")),
        Row(rule: "a public client asking for client_credentials",
            registration: ClientRegistration(name: "A", kind: .public, redirectURIs: web, grantTypes: [.clientCredentials]),
            problem: .publicClientCredentials),
        Row(rule: "a service gets client_credentials by default and needs no redirect URI",
            registration: ClientRegistration(name: "Batch", kind: .service), problem: nil),
        Row(rule: "a service with the code grant", registration: ClientRegistration(name: "A", kind: .service, redirectURIs: web,
                                                                                  grantTypes: [.authorizationCode]),
            problem: .serviceGrants),
        Row(rule: "a service with redirect URIs", registration: ClientRegistration(name: "A", kind: .service, redirectURIs: web),
            problem: .serviceRedirects),
        Row(rule: "a scope with a space or a quote",
            registration: ClientRegistration(name: "A", kind: .service, scopes: ["reports read"]), problem: .invalidScope("reports read")),
        Row(rule: "an empty scope", registration: ClientRegistration(name: "A", kind: .service, scopes: [""]), problem: .invalidScope("")),
        Row(rule: "51 redirect URIs", registration: ClientRegistration(
            name: "A", kind: .confidential, redirectURIs: (0...50).map { "https://a.example/cb\($0)" }),
            problem: .tooManyValues(field: "redirect_uris")),
        Row(rule: "an access token lifetime longer than the server's", registration: ClientRegistration(
            name: "A", kind: .service, lifetimes: Client.TokenLifetimes(accessToken: .seconds(15 * 60 + 1))),
            problem: .invalidLifetime(field: "access_token", maximum: .seconds(15 * 60))),
        Row(rule: "a lifetime of zero", registration: ClientRegistration(
            name: "A", kind: .confidential, redirectURIs: web, lifetimes: Client.TokenLifetimes(refreshTokenIdle: .zero)),
            problem: .invalidLifetime(field: "refresh_token_idle", maximum: .seconds(7 * 24 * 3600))),
        Row(rule: "shorter lifetimes are the client's own", registration: ClientRegistration(
            name: "A", kind: .confidential, redirectURIs: web, lifetimes: Client.TokenLifetimes(accessToken: .seconds(60),
                                                                                              refreshTokenAbsolute: .seconds(3600))),
            problem: nil),
    ]

    @Test("a registration", arguments: rows)
    func registration(_ row: Row) {
        do {
            let judged = try row.registration.judged(settings: Self.settings)
            #expect(row.problem == nil)
            #expect(judged.name == row.registration.name.trimmingCharacters(in: .whitespaces))
            #expect(judged.grantTypes == (row.registration.kind == .service ? [.clientCredentials] : [.authorizationCode, .refreshToken]))
        } catch {
            #expect(error == row.problem)
        }
    }

    /// A world with two organizations and a client owned by each, and a platform client.
    struct World {
        let stores = InMemoryStores()
        let crypto = TestCrypto()
        let acme: Organization
        let globex: Organization
        var administration: ClientAdministration {
            ClientAdministration(clients: stores.clients, organizations: stores.organizations, crypto: crypto, settings: settings,
                                 audit: stores.audit, clock: stores.clock)
        }

        init() async throws {
            let now = stores.clock.now
            acme = try await stores.organizations.create(Organization(id: UUID(), name: "Acme", slug: "acme", status: .active,
                                                                      createdAt: now, createdBy: nil, updatedAt: now, updatedBy: nil))
            globex = try await stores.organizations.create(Organization(id: UUID(), name: "Globex", slug: "globex", status: .active,
                                                                        createdAt: now, createdBy: nil, updatedAt: now, updatedBy: nil))
        }

        func principal(platform: Role? = nil, _ roles: [UUID: Role] = [:]) -> Principal {
            Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: platform, organizationRoles: roles))
        }
    }

    @Test("platform roles administer every client; a client_admin their organizations'; nobody else any, and outside is not found")
    func access() async throws {
        let world = try await World()
        let service = ClientRegistration(name: "Batch", kind: .service)
        let admin = world.administration, operatorAtShell = Principal.serverOperator
        let platform = try await admin.create(service, owner: nil, by: operatorAtShell).client
        let acmeClient = try await admin.create(service, owner: world.acme.id, by: operatorAtShell).client

        let acmeAdmin = world.principal([world.acme.id: .clientAdmin, world.globex.id: .clientUser])
        #expect(try await admin.client(acmeClient.id, by: acmeAdmin) == acmeClient)
        await #expect(throws: ClientAdministration.Refusal.notFound) { try await admin.client(platform.id, by: acmeAdmin) }
        #expect(try await admin.list(owner: nil, after: nil, limit: 50, by: acmeAdmin).map(\.id) == [acmeClient.id])
        #expect(try await admin.list(owner: world.globex.id, after: nil, limit: 50, by: acmeAdmin).isEmpty)
        await #expect(throws: ClientAdministration.Refusal.notPermitted) {
            try await admin.create(service, owner: nil, by: acmeAdmin)
        }
        await #expect(throws: ClientAdministration.Refusal.notFound) {
            try await admin.create(service, owner: world.globex.id, by: acmeAdmin)
        }
        let made = try await admin.create(service, owner: world.acme.id, by: acmeAdmin).client
        #expect(made.createdBy == acmeAdmin.userID && made.organizationID == world.acme.id)

        let globexAdmin = world.principal([world.globex.id: .clientAdmin])
        await #expect(throws: ClientAdministration.Refusal.notFound) { try await admin.client(acmeClient.id, by: globexAdmin) }
        await #expect(throws: ClientAdministration.Refusal.notFound) {
            try await admin.delete(acmeClient.id, revision: nil, by: globexAdmin)
        }

        for nobody in [world.principal([world.acme.id: .clientUser]), world.principal()] {
            await #expect(throws: ClientAdministration.Refusal.notPermitted) { try await admin.client(acmeClient.id, by: nobody) }
            await #expect(throws: ClientAdministration.Refusal.notPermitted) { try await admin.client("unknown", by: nobody) }
            await #expect(throws: ClientAdministration.Refusal.notPermitted) { try await admin.list(owner: nil, after: nil, limit: 5, by: nobody) }
        }
        for platformRole in [Role.superAdmin, .siteAdmin, .operator] {
            let staff = world.principal(platform: platformRole)
            #expect(Set(try await admin.list(owner: nil, after: nil, limit: 50, by: staff).map(\.id)) == [platform.id, acmeClient.id, made.id])
            #expect(try await admin.list(owner: world.acme.id, after: nil, limit: 50, by: staff).map(\.id) == [made.id, acmeClient.id])
        }
        await #expect(throws: ClientAdministration.Refusal.notFound) {
            try await admin.create(service, owner: UUID(), by: operatorAtShell)
        }
    }

    @Test("an update names the revision it read: a stale one is refused with the current revision, and nothing changes")
    func staleWrites() async throws {
        let world = try await World()
        let admin = world.administration, shell = Principal.serverOperator
        let client = try await admin.create(ClientRegistration(name: "Web", kind: .confidential, redirectURIs: Self.web), owner: nil,
                                            by: shell).client
        #expect(client.revision == 1)
        let first = try await admin.update(client.id, revision: 1, by: shell) { $0.name = "First" }
        #expect(first.revision == 2 && first.name == "First")
        await #expect(throws: ClientAdministration.Refusal.stale(current: 2)) {
            try await admin.update(client.id, revision: 1, by: shell) { $0.name = "Second" }
        }
        let kept = try await admin.update(client.id, revision: 2, by: shell) { $0.kind = .public }
        #expect(kept.revision == 3 && !kept.isPublic)
        let stored = try #require(try await world.stores.clients.find(id: client.id))
        #expect(stored.name == "First" && stored.revision == 3 && stored.secretDigest == client.secretDigest,
                "asking for kind public keeps the secret")
        #expect(await world.stores.audit.events(ofType: .clientUpdated).count == 2)
    }

    @Test("a rotated secret: the new one works; the old one works until its grace ends, and not at all without grace")
    func rotation() async throws {
        let world = try await World()
        let admin = world.administration, shell = Principal.serverOperator
        let (client, oldSecret) = try await admin.create(ClientRegistration(name: "Batch", kind: .service), owner: nil, by: shell)
        let authenticator = ClientAuthenticator(clients: world.stores.clients, crypto: world.crypto, clock: world.stores.clock)
        func works(_ secret: String?) async -> Bool {
            (try? await authenticator.authenticate(ClientCredentials(clientID: client.id, secret: secret, method: .basic))) != nil
        }
        #expect(await works(oldSecret))
        let (rotated, newSecret) = try await admin.rotateSecret(client.id, revision: 1, grace: .seconds(24 * 3600), by: shell)
        let graceEnds = try #require(rotated.previousSecret?.expiresAt)
        #expect(abs(graceEnds.timeIntervalSince(world.stores.clock.now) - 24 * 3600) < 1, "the clock ticks as it is read")
        #expect(await works(newSecret))
        #expect(await works(oldSecret), "within the grace period")
        world.stores.clock.advance(by: 24 * 3600)
        #expect(await !works(oldSecret), "the grace period is over")
        #expect(await works(newSecret))

        let (_, third) = try await admin.rotateSecret(client.id, revision: nil, grace: .zero, by: shell)
        #expect(await !works(newSecret), "no grace: the old one stops at once")
        #expect(await works(third))
        await #expect(throws: ClientAdministration.Refusal.invalidGrace) {
            try await admin.rotateSecret(client.id, revision: nil, grace: .seconds(31 * 24 * 3600), by: shell)
        }
        let spa = try await admin.create(ClientRegistration(name: "SPA", kind: .public, redirectURIs: Self.web), owner: nil, by: shell).client
        await #expect(throws: ClientAdministration.Refusal.noSecret) {
            try await admin.rotateSecret(spa.id, revision: nil, grace: .zero, by: shell)
        }
        let rotations = await world.stores.audit.events(ofType: .clientSecretRotated)
        #expect(rotations.map { $0.details["grace_seconds"] } == ["86400", "0"])
        #expect(rotations.allSatisfy { !$0.details.values.contains(newSecret) && !$0.details.values.contains(third) })
    }

    @Test("a client's shorter access-token lifetime is the token's: exp - iat and expires_in")
    func shorterLifetime() async throws {
        let world = try await GrantTestWorld()
        var client = Client(id: "short", secretDigest: [7], name: "Short", redirectURIs: [], grantTypes: [.clientCredentials],
                            allowedScopes: ["reports:read"], createdAt: world.stores.clock.now)
        client.lifetimes.accessToken = .seconds(120)
        let response = try await world.clientCredentials.exchange(ClientCredentialsGrant.Request(scope: nil), client: client)
        #expect(response.expiresIn == 120)
        let claims = try GrantTestWorld.claims(response.accessToken)
        #expect((claims["exp"] as? Int).map { $0 - (claims["iat"] as? Int ?? 0) } == 120)
        client.lifetimes.accessToken = .seconds(99_999)
        let capped = try await world.clientCredentials.exchange(ClientCredentialsGrant.Request(scope: nil), client: client)
        #expect(capped.expiresIn == 15 * 60, "a stored lifetime above the server's is capped, never obeyed")
    }
}
