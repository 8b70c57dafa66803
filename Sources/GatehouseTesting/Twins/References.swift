import Foundation

/// The users and clients a relational twin refers to: PostgreSQL's foreign keys, in memory. A
/// row naming a user or client that does not exist is refused on insert, and the rows of one
/// that was deleted are forgotten before the next read, as `ON DELETE CASCADE` would have.
/// Without a user (or client) store nothing is checked.
struct References: Sendable {
    let users: InMemoryUserStore?
    let clients: InMemoryClientStore?

    func requireUser(_ id: UUID) async throws {
        if let users, await !users.ids().contains(id) { throw InMemoryStoreError.missingReference("user \(id)") }
    }

    func requireClient(_ id: String) async throws {
        if let clients, await !clients.ids().contains(id) { throw InMemoryStoreError.missingReference("client \(id)") }
    }

    /// The users that exist now (nil: every user counts as existing).
    func userIDs() async -> Set<UUID>? { await users?.ids() }

    /// The clients that exist now (nil: every client counts as existing).
    func clientIDs() async -> Set<String>? { await clients?.ids() }

    /// Whether a row naming `user` (and `client`) survives the cascade, given the ids read above.
    static func alive(user: UUID?, client: String? = nil, users: Set<UUID>?, clients: Set<String>?) -> Bool {
        if let user, let users, !users.contains(user) { return false }
        if let client, let clients, !clients.contains(client) { return false }
        return true
    }
}
