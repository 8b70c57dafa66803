import Foundation
import GatehouseCore

/// Rows the conformance checks build: new ids every time (checks share the test database and
/// run in parallel) and times in whole seconds (PostgreSQL keeps microseconds, so a time with
/// more digits would not read back equal).
enum Fixtures {
    /// Now, to the second: far-future times would make the lockout store's clean-up remove other
    /// tests' rows, so checks stay near the real clock.
    static var now: Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

    /// Times to live for checks that see a key expire. Redis counts TTLs on its own clock, so
    /// those checks wait (`EphemeralStores.elapse`). No assertion depends on how fast the
    /// machine runs: a key given `longLife` must still be there after the wait and one given
    /// `shortLife` must be gone, however long the steps in between took (a loaded parallel run
    /// can stall a test for many seconds between two statements).
    static let shortLife = Duration.seconds(1)
    static let longLife = Duration.seconds(3600)
    /// Past `shortLife` with a margin, and far short of `longLife` (also of a `longLife` taken
    /// as milliseconds by mistake: 3.6 s).
    static let pastShortLife = Duration.seconds(5)

    static func unique(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
    }

    static func user(at date: Date = now, verified: Bool = false) -> User {
        User(id: UUID(), email: unique("user") + "@example.test", emailVerified: verified, name: "Ada Lovelace",
             givenName: "Ada", familyName: "Lovelace", picture: "https://images.example/ada.png",
             passwordHash: "$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA", createdAt: date, updatedAt: date)
    }

    static func client(id: String = unique("client"), at date: Date = now, secret: [UInt8]? = [1, 2, 3]) -> Client {
        Client(id: id, secretDigest: secret, name: "App " + id, redirectURIs: ["https://app.example/\(id)/cb"],
               postLogoutRedirectURIs: ["https://app.example/\(id)/bye"], grantTypes: [.authorizationCode, .refreshToken],
               allowedScopes: ["openid", "email"], createdAt: date, requireMFA: false)
    }

    /// A user created in `stores`.
    static func createdUser(_ stores: DurableStores, at date: Date = now) async throws -> User {
        let user = user(at: date)
        try await stores.users.create(user)
        return user
    }

    /// A client created in `stores`.
    static func createdClient(_ stores: DurableStores, at date: Date = now) async throws -> Client {
        let client = client(at: date)
        try await stores.clients.create(client)
        return client
    }

    static func digest() -> [UInt8] {
        withUnsafeBytes(of: UUID().uuid) { Array($0) } + withUnsafeBytes(of: UUID().uuid) { Array($0) }
    }
}
