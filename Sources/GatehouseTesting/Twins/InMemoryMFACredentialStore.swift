import Foundation
import GatehouseCore

/// `MFACredentialStore` in memory, as `PostgresMFACredentialStore` behaves
/// (`MFAStoresConformance`): at most one confirmed and one unconfirmed credential per
/// user and kind; confirming or enabling a factor discards every other unconfirmed one; a time
/// step is marked used by compare-and-set.
public actor InMemoryMFACredentialStore: MFACredentialStore {
    /// In insertion order, so credentials made at one instant list in the order they came.
    var rows: [MFACredential] = []
    let references: References

    public init(users: InMemoryUserStore? = nil) {
        references = References(users: users, clients: nil)
    }

    public func saveUnconfirmed(_ credential: MFACredential) async throws {
        try await references.requireUser(credential.userID)
        rows.removeAll { $0.userID == credential.userID && $0.kind == credential.kind && !$0.isConfirmed }
        var stored = credential
        stored.confirmedAt = nil
        rows.append(stored)
    }

    /// Oldest first.
    public func credentials(userID: UUID) async throws -> [MFACredential] {
        await forgetOrphans()
        return rows.enumerated().filter { $0.element.userID == userID }
            .sorted { ($0.element.createdAt, $0.offset) < ($1.element.createdAt, $1.offset) }.map(\.element)
    }

    public func confirm(id: UUID, usedStep: Int64?, at date: Date) async throws -> Bool {
        await forgetOrphans()
        guard let credential = rows.first(where: { $0.id == id && !$0.isConfirmed }) else { return false }
        rows.removeAll { $0.userID == credential.userID && $0.kind == credential.kind && $0.isConfirmed }
        rows.removeAll { $0.userID == credential.userID && $0.id != id && !$0.isConfirmed }
        guard let index = rows.firstIndex(where: { $0.id == id }) else { return false }
        rows[index].confirmedAt = date
        rows[index].lastUsedStep = usedStep
        return true
    }

    public func markStepUsed(id: UUID, step: Int64) async throws -> Bool {
        guard let index = rows.firstIndex(where: { $0.id == id && $0.isConfirmed }),
              rows[index].lastUsedStep.map({ $0 < step }) ?? true else { return false }
        rows[index].lastUsedStep = step
        return true
    }

    public func enableWithoutSecret(userID: UUID, kind: MFACredential.Kind, at date: Date) async throws -> Bool {
        try await references.requireUser(userID)
        rows.removeAll { $0.userID == userID && !$0.isConfirmed }
        guard !rows.contains(where: { $0.userID == userID && $0.kind == kind && $0.isConfirmed }) else { return false }
        rows.append(MFACredential(id: UUID(), userID: userID, kind: kind, sealedSecret: nil, lastUsedStep: nil,
                                  createdAt: date, confirmedAt: date))
        return true
    }

    public func remove(userID: UUID, kind: MFACredential.Kind) async throws -> Bool {
        let before = rows.count
        rows.removeAll { $0.userID == userID && $0.kind == kind }
        return rows.count < before
    }

    public func removeAll(userID: UUID) async throws {
        rows.removeAll { $0.userID == userID }
    }

    func forgetOrphans() async {
        let users = await references.userIDs()
        rows.removeAll { !References.alive(user: $0.userID, users: users, clients: nil) }
    }
}
