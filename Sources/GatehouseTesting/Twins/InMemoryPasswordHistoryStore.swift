import Foundation
import GatehouseCore

/// `PasswordHistoryStore` in memory, as `PostgresPasswordHistoryStore` behaves
/// (`AccountStoresConformance`): the newest `keeping` hashes per account, newest first.
public actor InMemoryPasswordHistoryStore: PasswordHistoryStore {
    struct Entry { let hash: String; let createdAt: Date; let sequence: Int }

    let defaultKeeping: Int
    var entries: [UUID: [Entry]] = [:]
    var sequence = 0
    let references: References

    /// - Parameter keeping: how many hashes to keep per account (0 keeps none).
    public init(keeping: Int, users: InMemoryUserStore? = nil) {
        defaultKeeping = max(0, keeping)
        references = References(users: users, clients: nil)
    }

    public func recentHashes(userID: UUID, limit: Int) async throws -> [String] {
        guard limit > 0 else { return [] }
        await forgetOrphans()
        return newestFirst(userID).prefix(limit).map(\.hash)
    }

    public func record(userID: UUID, hash: String, at date: Date) async throws {
        try await record(userID: userID, hash: hash, at: date, keeping: defaultKeeping)
    }

    /// The same table seen by a store configured to keep `count` hashes, as two
    /// `PostgresPasswordHistoryStore`s with different `keeping` share one table.
    public nonisolated func keeping(_ count: Int) -> any PasswordHistoryStore {
        KeepingView(table: self, keeping: max(0, count))
    }

    func record(userID: UUID, hash: String, at date: Date, keeping: Int) async throws {
        try await references.requireUser(userID)
        if keeping > 0 {
            sequence += 1
            entries[userID, default: []].append(Entry(hash: hash, createdAt: date, sequence: sequence))
        }
        entries[userID] = Array(newestFirst(userID).prefix(keeping))
    }

    func newestFirst(_ userID: UUID) -> [Entry] {
        (entries[userID] ?? []).sorted { ($0.createdAt, $0.sequence) > ($1.createdAt, $1.sequence) }
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        entries = entries.filter { References.alive(user: $0.key, users: users, clients: nil) }
    }
}

/// `InMemoryPasswordHistoryStore.keeping(_:)`: its table, another `keeping`.
struct KeepingView: PasswordHistoryStore {
    let table: InMemoryPasswordHistoryStore
    let keeping: Int

    func recentHashes(userID: UUID, limit: Int) async throws -> [String] {
        try await table.recentHashes(userID: userID, limit: limit)
    }

    func record(userID: UUID, hash: String, at date: Date) async throws {
        try await table.record(userID: userID, hash: hash, at: date, keeping: keeping)
    }
}
