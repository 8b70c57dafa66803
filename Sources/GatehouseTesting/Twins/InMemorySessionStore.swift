import Foundation
import GatehouseCore

/// `SessionStore` in memory, as `PostgresSessionStore` behaves (`SessionStoreConformance`).
/// Found by the cookie's digest only while live; by id whether or not it expired (not revoked).
public actor InMemorySessionStore: SessionStore {
    struct Row { var session: BrowserSession; let tokenDigest: [UInt8]; var revokedAt: Date? }

    var rows: [UUID: Row] = [:]
    let references: References

    public init(users: InMemoryUserStore? = nil) {
        references = References(users: users, clients: nil)
    }

    public func create(_ session: BrowserSession, tokenDigest: [UInt8]) async throws {
        try await references.requireUser(session.userID)
        rows[session.id] = Row(session: session, tokenDigest: tokenDigest, revokedAt: nil)
    }

    public func find(tokenDigest: [UInt8], now: Date) async throws -> BrowserSession? {
        await forgetOrphans()
        return rows.values.first { $0.tokenDigest == tokenDigest && $0.revokedAt == nil && $0.session.expiresAt > now }?.session
    }

    public func find(id: UUID) async throws -> BrowserSession? {
        await forgetOrphans()
        guard let row = rows[id], row.revokedAt == nil else { return nil }
        return row.session
    }

    public func touch(id: UUID, at date: Date) async throws {
        rows[id]?.session.lastSeenAt = date
    }

    public func revoke(id: UUID, at date: Date) async throws {
        if rows[id]?.revokedAt == nil { rows[id]?.revokedAt = date }
    }

    /// Live sessions, most recently seen first.
    public func list(userID: UUID, now: Date) async throws -> [BrowserSession] {
        await forgetOrphans()
        return rows.values.filter { $0.session.userID == userID && $0.revokedAt == nil && $0.session.expiresAt > now }
            .map(\.session).sorted { $0.lastSeenAt > $1.lastSeenAt }
    }

    public func revokeAll(userID: UUID, at date: Date) async throws {
        for (id, row) in rows where row.session.userID == userID && row.revokedAt == nil { rows[id]?.revokedAt = date }
    }

    public func revokeAll(userID: UUID, except kept: UUID, at date: Date) async throws {
        for (id, row) in rows where row.session.userID == userID && id != kept && row.revokedAt == nil { rows[id]?.revokedAt = date }
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        rows = rows.filter { References.alive(user: $0.value.session.userID, users: users, clients: nil) }
    }
}
