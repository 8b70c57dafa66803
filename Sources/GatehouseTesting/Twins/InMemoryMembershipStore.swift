import Foundation
import GatehouseCore

/// `MembershipStore` in memory, as `PostgresMembershipStore` behaves
/// (`OrganizationStoresConformance`): one platform role per user, one membership per user and
/// organization (its role changed in place, keeping when they joined), pages by keyset on
/// (joined, user id), rows gone with their user.
public actor InMemoryMembershipStore: MembershipStore {
    struct Key: Hashable { let organizationID: UUID; let userID: UUID }

    var platformRoles: [UUID: Role] = [:]
    var members: [Key: Membership] = [:]
    let references: References
    let organizations: InMemoryOrganizationStore?
    /// The custom roles `claims` reports (none without it).
    let customRoles: InMemoryCustomRoleStore?
    /// Where a member's confirmed second factors come from (none without it).
    let mfaCredentials: InMemoryMFACredentialStore?

    public init(users: InMemoryUserStore? = nil, organizations: InMemoryOrganizationStore? = nil,
                customRoles: InMemoryCustomRoleStore? = nil, mfaCredentials: InMemoryMFACredentialStore? = nil) {
        references = References(users: users, clients: nil)
        self.organizations = organizations
        self.customRoles = customRoles
        self.mfaCredentials = mfaCredentials
    }

    public func platformRole(userID: UUID) async throws -> Role? {
        await forgetOrphans()
        return platformRoles[userID]
    }

    public func setPlatformRole(_ role: Role?, userID: UUID, at date: Date, by actor: UUID?) async throws {
        guard let role else {
            platformRoles[userID] = nil
            return
        }
        guard role.isPlatformRole else { throw StoreError.invalid("\(role.rawValue) is not a platform role") }
        try await references.requireUser(userID)
        platformRoles[userID] = role
    }

    public func count(platformRole role: Role) async throws -> Int {
        await forgetOrphans()
        return platformRoles.values.filter { $0 == role }.count
    }

    /// The actor runs one call at a time: the count and the change cannot interleave with another.
    public func setPlatformRoleKeepingASuperAdmin(_ role: Role?, userID: UUID, at date: Date, by actor: UUID?) async throws -> Bool {
        await forgetOrphans()
        let holders = platformRoles.filter { $0.value == .superAdmin }.map(\.key)
        if holders.contains(userID), role != .superAdmin, holders.count <= 1 { return false }
        try await setPlatformRole(role, userID: userID, at: date, by: actor)
        return true
    }

    /// Checks, then creates the account and grants the role with no suspension point between
    /// the check of the role and its grant that another bootstrap could use.
    public func createFirstSuperAdmin(_ account: User, at date: Date) async throws -> FirstSuperAdmin {
        await forgetOrphans()
        guard !platformRoles.values.contains(.superAdmin) else { return .superAdminExists }
        if let users = references.users {
            guard try await users.find(email: account.email) == nil else { return .emailTaken }
            do {
                try await users.create(account)
            } catch StoreError.conflict {
                return .emailTaken
            }
        }
        // Another bootstrap may have run while this one waited for the user store.
        guard !platformRoles.values.contains(.superAdmin) else {
            _ = try await references.users?.delete(id: account.id)   // the transaction rolls back
            return .superAdminExists
        }
        platformRoles[account.id] = .superAdmin
        return .created
    }

    /// Oldest first, then by organization id.
    public func memberships(userID: UUID) async throws -> [Membership] {
        await forgetOrphans()
        return members.values.filter { $0.userID == userID }
            .sorted { ($0.createdAt, $0.organizationID.uuidString.lowercased()) < ($1.createdAt, $1.organizationID.uuidString.lowercased()) }
            
    }

    public func membership(organizationID: UUID, userID: UUID) async throws -> Membership? {
        await forgetOrphans()
        return members[Key(organizationID: organizationID, userID: userID)]
    }

    /// A new member is recorded as added by `actor` (not `membership.createdBy`), as the real store does.
    public func save(_ membership: Membership, at date: Date, by actor: UUID?) async throws {
        guard !membership.role.isPlatformRole else { throw StoreError.invalid("\(membership.role.rawValue) is a platform role") }
        await forgetOrphans()
        guard await exists(organization: membership.organizationID, user: membership.userID) else {
            throw StoreError.conflict("the organization or the user no longer exists")
        }
        let key = Key(organizationID: membership.organizationID, userID: membership.userID)
        if members[key] != nil {
            members[key]?.role = membership.role
        } else {
            var stored = membership
            stored.createdBy = actor
            members[key] = stored
        }
    }

    public func remove(organizationID: UUID, userID: UUID) async throws -> Bool {
        await forgetOrphans()
        let removed = members.removeValue(forKey: Key(organizationID: organizationID, userID: userID)) != nil
        // The organization's custom roles are held within it: they leave with the member.
        await customRoles?.unassignAll(userID: userID, organizationID: organizationID)
        return removed
    }

    /// By when they joined, then user id.
    public func members(organizationID: UUID, after cursor: MembershipCursor?, limit: Int) async throws -> [MemberListing] {
        await forgetOrphans()
        let page = members.values.filter { $0.organizationID == organizationID }
            .filter { cursor == nil || Self.order($0) > (cursor!.createdAt, cursor!.userID.uuidString.lowercased()) }
            .sorted { Self.order($0) < Self.order($1) }.prefix(max(0, limit))
        return try await listings(Array(page))
    }

    public func administrators(organizationIDs: [UUID], limit: Int) async throws -> [UUID: [MemberListing]] {
        await forgetOrphans()
        var found: [UUID: [MemberListing]] = [:]
        for id in Set(organizationIDs) {
            let admins = members.values.filter { $0.organizationID == id && $0.role == .clientAdmin }
                .sorted { Self.order($0) < Self.order($1) }.prefix(max(0, limit))
            let listed = try await listings(Array(admins))
            if !listed.isEmpty { found[id] = listed }
        }
        return found
    }

    /// The order of a page: when they joined, then the user id as PostgreSQL compares uuids.
    static func order(_ membership: Membership) -> (Date, String) { (membership.createdAt, membership.userID.uuidString.lowercased()) }

    func listings(_ memberships: [Membership]) async throws -> [MemberListing] {
        var listed: [MemberListing] = []
        for membership in memberships {
            guard let user = try await references.users?.find(id: membership.userID) else { continue }
            let factors = try await mfaCredentials?.credentials(userID: membership.userID).filter { $0.confirmedAt != nil }.map(\.kind) ?? []
            listed.append(MemberListing(membership: membership, email: user.email, name: user.name, secondFactors: Set(factors)))
        }
        return listed
    }

    public func count(organizationID: UUID, role: Role) async throws -> Int {
        await forgetOrphans()
        return members.values.filter { $0.organizationID == organizationID && $0.role == role }.count
    }

    /// The user's organizations whose name contains `search` (case-insensitive), by name then id.
    public func organizations(userID: UUID, matching search: String?, limit: Int) async throws -> [Organization] {
        await forgetOrphans()
        let needle = search?.lowercased()
        var found: [Organization] = []
        for key in members.keys where key.userID == userID {
            if let organization = try await organizations?.find(id: key.organizationID),
               needle == nil || organization.name.lowercased().contains(needle!) {
                found.append(organization)
            }
        }
        return Array(found.sorted { InMemoryOrganizationStore.key($0) < InMemoryOrganizationStore.key($1) }.prefix(max(0, limit)))
    }

    /// The organization (when it exists), the platform role, the role there, and the custom
    /// roles (global and that organization's) with their permissions, each sorted and once.
    public func claims(userID: UUID, organizationID: UUID?) async throws -> MemberClaims {
        await forgetOrphans()
        var organization: Organization?
        if let organizationID { organization = try await organizations?.find(id: organizationID) }
        let held = await customRoles?.held(userID: userID, organizationID: organizationID) ?? (roles: [], permissions: [])
        return MemberClaims(
            organization: organization, platformRole: platformRoles[userID],
            organizationRole: organizationID.flatMap { members[Key(organizationID: $0, userID: userID)]?.role },
            customRoles: held.roles, permissions: held.permissions)
    }

    /// An accepted invitation's role, never lowering one held: an organization role (only
    /// `client_admin` replaces a membership's role) or a platform role (only over a lower one).
    func grant(_ invitation: Invitation, to userID: UUID, now: Date) {
        if let organization = invitation.organizationID {
            let key = Key(organizationID: organization, userID: userID)
            if members[key] == nil {
                members[key] = Membership(organizationID: organization, userID: userID, role: invitation.role, createdAt: now,
                                          createdBy: invitation.invitedBy)
            } else if invitation.role == .clientAdmin {
                members[key]?.role = .clientAdmin
            }
        } else if platformRoles[userID].map({ $0 < invitation.role }) ?? true {
            platformRoles[userID] = invitation.role
        }
    }

    func exists(organization: UUID, user: UUID) async -> Bool {
        let organizationExists = await organizations?.ids().contains(organization) ?? true
        let userExists = await references.userIDs()?.contains(user) ?? true
        return organizationExists && userExists
    }

    /// Rows of a deleted user or organization go; a deleted adder reads as nil (`ON DELETE SET NULL`).
    func forgetOrphans() async {
        let users = await references.userIDs()
        let organizationIDs = await organizations?.ids()
        platformRoles = platformRoles.filter { References.alive(user: $0.key, users: users, clients: nil) }
        members = members.filter { entry in
            References.alive(user: entry.key.userID, users: users, clients: nil)
                && organizationIDs.map { $0.contains(entry.key.organizationID) } != false
        }
        for (key, membership) in members {
            if let adder = membership.createdBy, users.map({ !$0.contains(adder) }) == true { members[key]?.createdBy = nil }
        }
    }
}
