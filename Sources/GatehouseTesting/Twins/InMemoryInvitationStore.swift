import Foundation
import GatehouseCore

/// `InvitationStore` in memory, as `PostgresInvitationStore` behaves (`OrganizationStoresConformance`):
/// one pending invitation per address and place, revocations and resends only of pending ones,
/// expiry noticed once, and `accept` making the account, the role (never lowering one held) and
/// the organization's activation together. The actor runs one call at a time and an accept marks
/// the invitation before it touches the other twins, so two accepts of one link make one account.
public actor InMemoryInvitationStore: InvitationStore {
    struct Row { var invitation: Invitation; let digest: [UInt8] }

    var rows: [UUID: Row] = [:]
    let users: InMemoryUserStore?
    let organizations: InMemoryOrganizationStore?
    let memberships: InMemoryMembershipStore?

    public init(users: InMemoryUserStore? = nil, organizations: InMemoryOrganizationStore? = nil,
                memberships: InMemoryMembershipStore? = nil) {
        self.users = users
        self.organizations = organizations
        self.memberships = memberships
    }

    public func create(_ invitation: Invitation, digest: [UInt8]) async throws {
        try await refuseConflicts(invitation, digest: digest)
        rows[invitation.id] = Row(invitation: invitation, digest: digest)
    }

    public func find(digest: [UInt8]) async throws -> Invitation? {
        await forgetOrphans()
        return rows.values.first { $0.digest == digest }?.invitation
    }

    public func find(id: UUID) async throws -> Invitation? {
        await forgetOrphans()
        return rows[id]?.invitation
    }

    public func pending(email: String, organizationID: UUID?) async throws -> Invitation? {
        await forgetOrphans()
        return rows.values.map(\.invitation).first { Self.isPending($0) && $0.email == email && $0.organizationID == organizationID }
    }

    /// Newest first, then by id, strictly before the cursor.
    public func list(invitedBy: UUID?, organizationID: UUID?, before cursor: InvitationCursor?, limit: Int) async throws -> [Invitation] {
        await forgetOrphans()
        func key(_ invitation: Invitation) -> (Date, String) { (invitation.createdAt, invitation.id.uuidString.lowercased()) }
        return rows.values.map(\.invitation)
            .filter { invitedBy == nil || $0.invitedBy == invitedBy }
            .filter { organizationID == nil || $0.organizationID == organizationID }
            .filter { cursor == nil || key($0) < (cursor!.createdAt, cursor!.id.uuidString.lowercased()) }
            .sorted { key($0) > key($1) }.prefix(max(0, limit)).map { $0 }
    }

    public func revoke(id: UUID, at date: Date, by actor: UUID?) async throws -> Invitation? {
        await forgetOrphans()
        guard let invitation = rows[id]?.invitation, Self.isPending(invitation), invitation.expiresAt > date else { return nil }
        rows[id]?.invitation.revokedAt = date
        rows[id]?.invitation.revokedBy = actor
        return rows[id]?.invitation
    }

    public func replace(id: UUID, with replacement: Invitation, digest: [UInt8], at date: Date) async throws -> Invitation? {
        await forgetOrphans()
        guard let invitation = rows[id]?.invitation, Self.isPending(invitation), invitation.expiresAt > date else { return nil }
        rows[id]?.invitation.revokedAt = date
        rows[id]?.invitation.revokedBy = replacement.invitedBy
        do {
            try await refuseConflicts(replacement, digest: digest)
        } catch {
            rows[id]?.invitation = invitation   // the transaction rolls back
            throw error
        }
        rows[replacement.id] = Row(invitation: replacement, digest: digest)
        rows[id]?.invitation.replacedBy = replacement.id
        return rows[id]?.invitation
    }

    public func accept(digest: [UInt8], as acceptor: InvitationAcceptor, now: Date) async throws -> InvitationAcceptance {
        await forgetOrphans()
        guard let row = rows.values.first(where: { $0.digest == digest }) else { return .notFound }
        let state = row.invitation.state(at: now)
        guard state == .pending else { return .unavailable(state) }
        let id = row.invitation.id
        let userID: UUID = switch acceptor {
        case .newUser(let user): user.id
        case .existingUser(let existing): existing
        }
        // Taken before any suspension point: a second accept of this link now finds it accepted.
        rows[id]?.invitation.acceptedAt = now
        rows[id]?.invitation.acceptedBy = userID
        if case .newUser(var user) = acceptor, let users {
            user.createdBy = row.invitation.invitedBy
            do {
                try await users.create(user)
            } catch StoreError.conflict {
                rows[id]?.invitation = row.invitation
                return .emailTaken
            }
        }
        await memberships?.grant(row.invitation, to: userID, now: now)
        if let organization = row.invitation.organizationID { await organizations?.activate(id: organization, at: now) }
        return .accepted(rows[id]?.invitation ?? row.invitation, userID: userID)
    }

    /// Pending invitations whose time ran out, soonest first, each marked once.
    public func expire(now: Date, limit: Int) async throws -> [Invitation] {
        await forgetOrphans()
        let due = rows.values.map(\.invitation).filter { Self.isPending($0) && $0.expiresAt <= now }
            .sorted { $0.expiresAt < $1.expiresAt }.prefix(max(0, limit))
        return due.compactMap { invitation in
            rows[invitation.id]?.invitation.expiredAt = now
            return rows[invitation.id]?.invitation
        }
    }

    /// Pending as the real store's unique index and `pendingCondition` see it: not accepted,
    /// revoked or marked expired (its expiry time alone does not free the address).
    static func isPending(_ invitation: Invitation) -> Bool {
        invitation.acceptedAt == nil && invitation.revokedAt == nil && invitation.expiredAt == nil
    }

    func refuseConflicts(_ invitation: Invitation, digest: [UInt8]) async throws {
        if rows.values.contains(where: { $0.digest == digest })
            || rows.values.contains(where: { Self.isPending($0.invitation) && $0.invitation.email == invitation.email
                                              && $0.invitation.organizationID == invitation.organizationID }) {
            throw StoreError.conflict("\(invitation.email) has a pending invitation there")
        }
        if let organization = invitation.organizationID, await organizations?.ids().contains(organization) == false {
            throw StoreError.conflict("the organization no longer exists")
        }
    }

    /// Invitations to a deleted organization go; a deleted inviter, acceptor or revoker reads as nil.
    func forgetOrphans() async {
        let organizationIDs = await organizations?.ids()
        let userIDs = await users?.ids()
        rows = rows.filter { entry in
            guard let organization = entry.value.invitation.organizationID, let organizationIDs else { return true }
            return organizationIDs.contains(organization)
        }
        guard let userIDs else { return }
        for (id, row) in rows {
            var invitation = row.invitation
            for path in [\Invitation.invitedBy, \.acceptedBy, \.revokedBy] {
                if let user = invitation[keyPath: path], !userIDs.contains(user) { invitation[keyPath: path] = nil }
            }
            rows[id]?.invitation = invitation
        }
    }
}
