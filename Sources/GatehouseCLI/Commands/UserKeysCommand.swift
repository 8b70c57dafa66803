import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse user keys list|revoke`: the operator's view of a user's API keys (personal access
/// tokens), through the same `APIKeys` service as `/account/keys` and `/api/v1/api-keys`. The
/// operator lists and revokes; nobody but the user creates a key (it would act as them).
extension UserCommand {
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys", abstract: "List or revoke a user's API keys.", subcommands: [List.self, Revoke.self])
    }
}

extension UserCommand.Keys {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's API keys that are not revoked, newest first.")
        @Argument(help: "The user's email or id.") var user: String
        @Flag(help: "Print JSON.") var json = false

        struct Line: Encodable {
            let id: String
            let name: String
            let scopes: [String]
            let status: String
            let createdAt: String
            let expiresAt: String
            let lastUsedAt: String?

            enum CodingKeys: String, CodingKey {
                case id, name, scopes, status
                case createdAt = "created_at", expiresAt = "expires_at", lastUsedAt = "last_used_at"
            }
        }

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let lines = try await withBackends(config) { backends in
                let owner = try await findKeyOwner(user, backends)
                let keys = try await backends.apiKeys(auditKey).list(of: owner.id, by: .serverOperator)
                let now = backends.clock.now
                return keys.map { key in
                    Line(id: key.id.uuidString.lowercased(), name: key.name, scopes: key.scopes,
                         status: key.isExpired(at: now) ? "expired" : "active", createdAt: Self.time(key.createdAt),
                         expiresAt: Self.time(key.expiresAt), lastUsedAt: key.lastUsedAt.map(Self.time))
                }
            }
            if json {
                try printJSON(lines)
            } else if lines.isEmpty {
                print("no API keys")
            } else {
                for line in lines {
                    print("\(line.id)  \(line.status)  expires \(line.expiresAt)  last used \(line.lastUsedAt ?? "never")  \(Scope.join(line.scopes))  \(line.name)")
                }
            }
        }

        static func time(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.string(from: date)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one of a user's API keys: it stops working at once.")
        @Argument(help: "The user's email or id.") var user: String
        @Argument(help: "The key's id (from `gatehouse user keys list`).") var key: String

        func run() async throws {
            guard let id = UUID(uuidString: key) else { throw ValidationError("the key id must be a UUID") }
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let revoked = try await withBackends(config) { backends in
                let owner = try await findKeyOwner(user, backends)
                do {
                    return try await backends.apiKeys(auditKey).revoke(id, of: owner.id, by: .serverOperator)
                } catch APIKeys.Refusal.notFound {
                    throw ValidationError("\(owner.email) has no unrevoked key \(id.uuidString.lowercased())")
                }
            }
            print("revoked key \(revoked.id.uuidString.lowercased()) (\(revoked.name))")
        }
    }
}

/// The user an email or an id names.
private func findKeyOwner(_ text: String, _ backends: Backends) async throws -> User {
    let found = if let id = UUID(uuidString: text) {
        try await backends.users.find(id: id)
    } else {
        try await backends.users.find(email: User.normalizedEmail(text))
    }
    guard let found else { throw ValidationError("no user \(text)") }
    return found
}
