import Foundation
import GatehouseCore

/// `UserLifecycleStore` in memory, over the other twins of one `InMemoryStores` (as
/// `PostgresUserLifecycleStore` works over one database; `UserLifecycleStoreConformance` holds
/// both to the contract). An erased user leaves the user twin, and the twins that refer to users
/// forget its rows as they do for a deleted one; its id is never reused. The audit twin keeps
/// whole events (no personal part to erase), so `erasePersonalAuditData` has nothing to do.
/// One caller at a time: the steps span several actors and are not one transaction.
public actor InMemoryUserLifecycleStore: UserLifecycleStore {
    let users: InMemoryUserStore
    let sessions: InMemorySessionStore
    let refreshTokens: InMemoryRefreshTokenStore
    let memberships: InMemoryMembershipStore
    let audit: InMemoryAuditLog

    init(users: InMemoryUserStore, sessions: InMemorySessionStore, refreshTokens: InMemoryRefreshTokenStore,
         memberships: InMemoryMembershipStore, audit: InMemoryAuditLog) {
        self.users = users
        self.sessions = sessions
        self.refreshTokens = refreshTokens
        self.memberships = memberships
        self.audit = audit
    }

    public func changeStatus(userID: UUID, from: Set<AccountStatus>, to: AccountStatus, notBefore: Date, by: UUID?,
                             at now: Date) async throws -> StatusChange {
        guard let user = try await users.find(id: userID) else { return .notFound }
        guard from.contains(user.status) else { return .unchanged(user.status) }
        if to != .active, try await isLastActiveSuperAdmin(userID) { return .lastSuperAdmin }
        await users.setStatus(to, of: userID, notBefore: to == .active ? nil : notBefore, at: now)
        if to != .active {
            try await sessions.revokeAll(userID: userID, at: now)
            try await refreshTokens.revokeAll(userID: userID, clientID: nil, at: now)
        }
        return .changed(from: user.status)
    }

    public func erase(userID: UUID, by: UUID?, at now: Date, farewell: OutgoingMail?) async throws -> Erasure {
        guard try await users.find(id: userID) != nil else { return .notFound }
        if try await isLastActiveSuperAdmin(userID) { return .lastSuperAdmin }
        try await sessions.revokeAll(userID: userID, at: now)
        try await refreshTokens.revokeAll(userID: userID, clientID: nil, at: now)
        try await memberships.setPlatformRole(nil, userID: userID, at: now, by: by)
        for membership in try await memberships.memberships(userID: userID) {
            _ = try await memberships.remove(organizationID: membership.organizationID, userID: userID)
        }
        await users.erase(id: userID)
        return .erased
    }

    public func erasePersonalAuditData(userID: UUID, at: Date) async throws {}

    public func activeSuperAdmins() async throws -> Int {
        var count = 0
        for (id, role) in await memberships.platformRoles where role == .superAdmin {
            if try await users.find(id: id)?.status == .active { count += 1 }
        }
        return count
    }

    public func auditEvents(concerning userID: UUID, limit: Int) async throws -> [AuditRecord] {
        let events = await audit.events
        return events.enumerated().reversed()
            .filter { $0.element.subject == userID || $0.element.actor == AuditEvent.user(userID) }
            .prefix(limit)
            .map { AuditRecord(id: Int64($0.offset + 1), event: $0.element, previousMAC: [], mac: []) }
    }

    func isLastActiveSuperAdmin(_ userID: UUID) async throws -> Bool {
        guard try await memberships.platformRole(userID: userID) == .superAdmin else { return false }
        return try await activeSuperAdmins() - (try await users.find(id: userID)?.status == .active ? 1 : 0) == 0
    }
}
