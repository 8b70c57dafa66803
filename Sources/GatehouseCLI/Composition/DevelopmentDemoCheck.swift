import Foundation
import GatehouseCore

/// Development mode's demo client and user must not outlive it: the user's password is printed by
/// `./dev run` and written in the README, so in a database that `serve` runs on outside
/// development mode they would let anyone sign in. `serve` refuses to start while either exists,
/// and `gatehouse demo remove` deletes both.
enum DevelopmentDemoCheck {
    /// What of the demo is in the database: "client gatehouse-demo", "user demo@example.com".
    static func leftovers(_ backends: Backends) async throws -> [String] {
        var found: [String] = []
        if try await backends.clients.find(id: DevelopmentSetup.demoClientID) != nil {
            found.append("client \(DevelopmentSetup.demoClientID)")
        }
        if try await backends.users.find(email: DevelopmentSetup.demoEmail) != nil {
            found.append("user \(DevelopmentSetup.demoEmail)")
        }
        return found
    }

    /// Throws, saying how to remove them, when the demo is in the database.
    static func refuseLeftovers(_ backends: Backends) async throws {
        let found = try await leftovers(backends)
        guard !found.isEmpty else { return }
        throw OperatorError(
            "development mode's demo is in this database (\(found.joined(separator: " and "))): its password is published, "
                + "so outside development mode anyone could sign in with it. Remove it with `gatehouse demo remove`, then start again")
    }
}
