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
    public func list(userID: UUID, now: Date, after cursor: SessionCursor?, limit: Int) async throws -> [BrowserSession] {
        await forgetOrphans()
        let live = rows.values.filter { $0.session.userID == userID && $0.revokedAt == nil && $0.session.expiresAt > now && $0.session.support == nil }
            .map(\.session).sorted { ($0.lastSeenAt, $0.id.uuidString) > ($1.lastSeenAt, $1.id.uuidString) }
        let after = cursor.map { cursor in live.filter { ($0.lastSeenAt, $0.id.uuidString) < (cursor.lastSeenAt, cursor.id.uuidString) } } ?? live
        return Array(after.prefix(max(0, limit)))
    }

    public func purgeEnded(before date: Date, limit: Int) async throws -> Int {
        let ended = rows.filter { ($0.value.session.expiresAt < date || ($0.value.revokedAt.map { $0 < date } ?? false)) && $0.value.session.support == nil }
            .map(\.key).prefix(max(0, limit))
        for id in ended { rows[id] = nil }
        return ended.count
    }

    public func revokeAll(userID: UUID, at date: Date) async throws {
        for (id, row) in rows where row.session.userID == userID && row.revokedAt == nil { rows[id]?.revokedAt = date }
    }

    public func revokeAll(userID: UUID, except kept: UUID, at date: Date) async throws {
        for (id, row) in rows where row.session.userID == userID && id != kept && row.revokedAt == nil { rows[id]?.revokedAt = date }
    }

    public func supportSignIns(userID: UUID, limit: Int) async throws -> [SupportSignInRecord] {
        await forgetOrphans()
        var records: [SupportSignInRecord] = []
        for row in rows.values where row.session.userID == userID {
            guard let mark = row.session.support else { continue }
            let admin = try await references.users?.find(id: mark.impersonatorID)
            records.append(SupportSignInRecord(
                sessionID: row.session.id, impersonatorID: mark.impersonatorID, impersonatorEmail: admin?.email, reason: mark.reason,
                startedAt: row.session.createdAt, endedAt: min(row.session.expiresAt, row.revokedAt ?? row.session.expiresAt)))
        }
        return Array(records.sorted { ($0.startedAt, $0.sessionID.uuidString) > ($1.startedAt, $1.sessionID.uuidString) }.prefix(max(0, limit)))
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        rows = rows.filter { References.alive(user: $0.value.session.userID, users: users, clients: nil) }
    }
}
