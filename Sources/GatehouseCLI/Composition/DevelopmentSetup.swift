import Foundation
import GatehouseCore
import GatehouseCrypto

/// Development mode's demo client and user (DESIGN.md), created on first run and kept in step
/// with the issuer (the demo's redirect URI follows the port).
struct DevelopmentSetup {
    static let demoClientID = "gatehouse-demo"
    static let demoEmail = "demo@example.com"
    static let demoPassword = "correct-horse-battery-staple"

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
        if try await backends.users.find(email: Self.demoEmail) == nil {
            let user = User(id: UUID(), email: Self.demoEmail, emailVerified: true, name: "Demo User", givenName: "Demo",
                            familyName: "User", passwordHash: try await hasher.hash(Self.demoPassword), createdAt: now, updatedAt: now)
            do {
                try await backends.users.create(user)
            } catch StoreError.conflict {
                // Another instance created it first.
            }
        }
    }
}
