import Foundation
import GatehouseCore

/// `PasswordResetStore` in memory, as `PostgresPasswordResetStore` behaves
/// (`AccountStoresConformance`): links by digest, used once, and using one ends the
/// user's other links.
public actor InMemoryPasswordResetStore: PasswordResetStore {
    struct Link { let userID: UUID; let provesMailbox: Bool; let createdAt: Date; let expiresAt: Date; var usedAt: Date? }

    var links: [[UInt8]: Link] = [:]
    let references: References

    public init(users: InMemoryUserStore? = nil) {
        references = References(users: users, clients: nil)
    }

    public func create(digest: [UInt8], userID: UUID, provesMailbox: Bool, at date: Date, expiresAt: Date) async throws {
        try await references.requireUser(userID)
        links[digest] = Link(userID: userID, provesMailbox: provesMailbox, createdAt: date, expiresAt: expiresAt, usedAt: nil)
    }

    public func consume(digest: [UInt8], now: Date) async throws -> PasswordResetLink? {
        await forgetOrphans()
        guard let link = links[digest], link.usedAt == nil, link.expiresAt > now else { return nil }
        for (other, row) in links where row.userID == link.userID && row.usedAt == nil { links[other]?.usedAt = now }
        return PasswordResetLink(userID: link.userID, provesMailbox: link.provesMailbox)
    }

    public func userID(digest: [UInt8], now: Date) async throws -> UUID? {
        await forgetOrphans()
        guard let link = links[digest], link.usedAt == nil, link.expiresAt > now else { return nil }
        return link.userID
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        links = links.filter { References.alive(user: $0.value.userID, users: users, clients: nil) }
    }
}
