import Foundation
import GatehouseCore

/// `APIKeyStore` in memory, as `PostgresAPIKeyStore` behaves (`APIKeyStoreConformance`): keys by
/// digest, a user's keys gone with the user.
public actor InMemoryAPIKeyStore: APIKeyStore {
    struct Row {
        var key: APIKey
        let digest: [UInt8]
        var refusalNoticedAt: Date?
    }

    var rows: [UUID: Row] = [:]
    let references: References

    public init(users: InMemoryUserStore? = nil) {
        references = References(users: users, clients: nil)
    }

    /// The digests stored, for tests that check nothing else of a key is kept.
    public func digests() -> [[UInt8]] { rows.values.map(\.digest) }

    public func create(_ key: APIKey, digest: [UInt8], liveLimit: Int) async throws -> Bool {
        do {
            try await references.requireUser(key.userID)
        } catch {
            throw StoreError.conflict("the key's owner no longer exists")
        }
        guard !rows.values.contains(where: { $0.digest == digest }), rows[key.id] == nil else {
            throw StoreError.conflict("the key's digest is taken")
        }
        // No suspension point between the count and the insert: the actor makes them one step.
        guard rows.values.filter({ $0.key.userID == key.userID && $0.key.isLive(at: key.createdAt) }).count < liveLimit else { return false }
        rows[key.id] = Row(key: key, digest: digest)
        return true
    }

    public func find(digest: [UInt8]) async throws -> APIKey? {
        await forgetOrphans()
        return rows.values.first { $0.digest == digest }?.key
    }

    public func list(userID: UUID, limit: Int) async throws -> [APIKey] {
        await forgetOrphans()
        let keys = rows.values.map(\.key).filter { $0.userID == userID && $0.revokedAt == nil }
            .sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
        return Array(keys.prefix(max(0, limit)))
    }

    public func countLive(userID: UUID, now: Date) async throws -> Int {
        await forgetOrphans()
        return rows.values.filter { $0.key.userID == userID && $0.key.isLive(at: now) }.count
    }

    public func revoke(id: UUID, userID: UUID, at date: Date, by actor: String) async throws -> APIKey? {
        await forgetOrphans()
        guard var row = rows[id], row.key.userID == userID, row.key.revokedAt == nil else { return nil }
        row.key.revokedAt = date
        row.key.revokedBy = actor
        rows[id] = row
        return row.key
    }

    public func recordUse(id: UUID, at date: Date, resolution: TimeInterval) async throws -> Bool {
        guard var row = rows[id], row.key.lastUsedAt.map({ $0 <= date.addingTimeInterval(-resolution) }) ?? true else { return false }
        row.key.lastUsedAt = date
        rows[id] = row
        return true
    }

    public func claimRefusalNotice(id: UUID, at date: Date, resolution: TimeInterval) async throws -> Bool {
        guard var row = rows[id], row.refusalNoticedAt.map({ $0 <= date.addingTimeInterval(-resolution) }) ?? true else { return false }
        row.refusalNoticedAt = date
        rows[id] = row
        return true
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        rows = rows.filter { References.alive(user: $0.value.key.userID, users: users, clients: nil) }
    }
}
