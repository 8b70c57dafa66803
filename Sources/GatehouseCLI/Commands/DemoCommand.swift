import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse demo remove`: deletes development mode's demo client and accounts from a database
/// that is to be served outside development mode (`serve` refuses to start while they exist).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Development mode's demo client and user.",
                                                    subcommands: [Remove.self])

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the demo client (gatehouse-demo) and the demo users (demo@example.com, admin@example.com) with their sessions and tokens.")

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let removed = try await withBackends(config) { backends in
                var removed: [String] = []
                if try await backends.clients.delete(id: DevelopmentSetup.demoClientID) {
                    try await backends.recordOperatorAction("demo remove", key: auditKey, clientID: DevelopmentSetup.demoClientID)
                    removed.append("client \(DevelopmentSetup.demoClientID)")
                }
                for email in DevelopmentSetup.demoEmails {
                    // The demo super_admin's platform role goes with its account (ON DELETE CASCADE).
                    guard let user = try await backends.users.find(email: email), try await backends.users.delete(id: user.id) else { continue }
                    try await backends.recordOperatorAction("demo remove", key: auditKey, subject: user.id, details: ["email": email])
                    removed.append("user \(email)")
                }
                return removed
            }
            print(removed.isEmpty ? "no demo client or user here" : "removed the demo " + DevelopmentDemoCheck.sentence(removed))
        }
    }
}
