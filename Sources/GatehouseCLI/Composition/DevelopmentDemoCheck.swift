import Foundation
import GatehouseCore

/// Development mode's demo client and accounts must not outlive it: the accounts' password is
/// printed by `./dev run` and written in the README (and one of them is a `super_admin`), so in a
/// database that `serve` runs on outside development mode they would let anyone sign in. `serve`
/// refuses to start while any exists, and `gatehouse demo remove` deletes them all.
enum DevelopmentDemoCheck {
    /// What of the demo is in the database: "client gatehouse-demo", "user demo@example.com", "user admin@example.com".
    static func leftovers(_ backends: Backends) async throws -> [String] {
        var found: [String] = []
        if try await backends.clients.find(id: DevelopmentSetup.demoClientID) != nil {
            found.append("client \(DevelopmentSetup.demoClientID)")
        }
        for email in DevelopmentSetup.demoEmails where try await backends.users.find(email: email) != nil {
            found.append("user \(email)")
        }
        return found
    }

    /// "a", "a and b", "a, b and c".
    static func sentence(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }

    /// Throws, saying how to remove them, when the demo is in the database.
    static func refuseLeftovers(_ backends: Backends) async throws {
        let found = try await leftovers(backends)
        guard !found.isEmpty else { return }
        throw OperatorError(
            "development mode's demo is in this database (\(sentence(found))): its password is published, "
                + "so outside development mode anyone could sign in with it. Remove it with `gatehouse demo remove`, then start again")
    }
}
