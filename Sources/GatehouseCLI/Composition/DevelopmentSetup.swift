import Foundation
import GatehouseCore
import GatehouseCrypto

/// Development mode's demo client, demo user and demo `super_admin` (DESIGN.md, issue 10 item 9),
/// created on first run and kept in step with the issuer (the demo's redirect URI follows the port).
struct DevelopmentSetup {
    static let demoClientID = "gatehouse-demo"
    static let demoEmail = "demo@example.com"
    static let demoPassword = "correct-horse-battery-staple"
    /// Holds `super_admin`, granted here outside `RoleRules` like `gatehouse admin bootstrap`'s,
    /// so a newcomer can try organizations and invitations at once. Same password as the demo user.
    static let demoAdminEmail = "admin@example.com"
    /// Every demo account, in the order `./dev run` prints them.
    static let demoEmails = [demoEmail, demoAdminEmail]

    let backends: Backends
    let hasher: Argon2PasswordHasher

    func ensureDemo() async throws {
        let redirectURI = backends.configuration.issuer + "/dev/demo/callback"
        let now = backends.clock.now
        if var client = try await backends.clients.find(id: Self.demoClientID) {
            if client.redirectURIs != [redirectURI] {
                client.redirectURIs = [redirectURI]
                _ = try await backends.clients.update(client)
            }
        } else {
            try await backends.clients.create(Client(
                id: Self.demoClientID, secretDigest: nil, name: "Gatehouse demo app", redirectURIs: [redirectURI],
                grantTypes: [.authorizationCode, .refreshToken], allowedScopes: [], createdAt: now))
        }
        _ = try await ensureUser(email: Self.demoEmail, name: ("Demo", "User"), at: now)
        let admin = try await ensureUser(email: Self.demoAdminEmail, name: ("Demo", "Admin"), at: now)
        if try await backends.memberships.platformRole(userID: admin) != .superAdmin {
            try await backends.memberships.setPlatformRole(.superAdmin, userID: admin, at: now, by: nil)
        }
    }

    /// The demo account with this address, created when missing; its id.
    func ensureUser(email: String, name: (given: String, family: String), at now: Date) async throws -> UUID {
        if let existing = try await backends.users.find(email: email) { return existing.id }
        let user = User(id: UUID(), email: email, emailVerified: true, name: "\(name.given) \(name.family)", givenName: name.given,
                        familyName: name.family, passwordHash: try await hasher.hash(Self.demoPassword), createdAt: now, updatedAt: now)
        do {
            try await backends.users.create(user)
            return user.id
        } catch StoreError.conflict {
            // Another instance created it first.
            guard let created = try await backends.users.find(email: email) else { throw StoreError.conflict("\(email) vanished") }
            return created.id
        }
    }
}
