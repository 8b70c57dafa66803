import Foundation
import GatehouseCore

/// `RecoveryCodeStore` in memory, as `PostgresRecoveryCodeStore` behaves
/// (`MFAStoresConformance`): digests per user, each used once.
public actor InMemoryRecoveryCodeStore: RecoveryCodeStore {
    struct Code { let digest: [UInt8]; var usedAt: Date? }

    var codes: [UUID: [Code]] = [:]
    let references: References

    public init(users: InMemoryUserStore? = nil) {
        references = References(users: users, clients: nil)
    }

    public func replace(userID: UUID, digests: [[UInt8]], at date: Date) async throws {
        try await references.requireUser(userID)
        codes[userID] = digests.map { Code(digest: $0, usedAt: nil) }
    }

    public func consume(userID: UUID, digest: [UInt8], at date: Date) async throws -> Bool {
        await forgetOrphans()
        guard let index = codes[userID]?.firstIndex(where: { $0.digest == digest && $0.usedAt == nil }) else { return false }
        codes[userID]?[index].usedAt = date
        return true
    }

    public func remaining(userID: UUID) async throws -> Int {
        await forgetOrphans()
        return codes[userID]?.filter { $0.usedAt == nil }.count ?? 0
    }

    public func removeAll(userID: UUID) async throws {
        codes[userID] = nil
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        codes = codes.filter { References.alive(user: $0.key, users: users, clients: nil) }
    }
}
