import Foundation
import GatehouseCore

/// `CustomRoleStore` in memory, as `PostgresCustomRoleStore` behaves
/// (`OrganizationStoresConformance`): permission names unique, role names unique per scope
/// (global, or one organization), a deleted permission gone from every role, a role in use kept
/// unless forced, assignments gone with their user or role.
public actor InMemoryCustomRoleStore: CustomRoleStore {
    struct Assignment: Hashable { let roleID: UUID; let userID: UUID }

    var permissionRows: [String: Permission] = [:]
    var roleRows: [UUID: CustomRole] = [:]
    var assignments: Set<Assignment> = []
    let references: References
    let organizations: InMemoryOrganizationStore?

    public init(users: InMemoryUserStore? = nil, organizations: InMemoryOrganizationStore? = nil) {
        references = References(users: users, clients: nil)
        self.organizations = organizations
    }

    public func createPermission(_ permission: Permission) async throws {
        guard permissionRows[permission.name] == nil else { throw StoreError.conflict("the permission \(permission.name) exists") }
        permissionRows[permission.name] = permission
    }

    public func permissions() async throws -> [Permission] {
        await forgetOrphans()
        return permissionRows.values.sorted { $0.name < $1.name }
    }

    public func deletePermission(name: String) async throws -> Bool {
        guard permissionRows.removeValue(forKey: name) != nil else { return false }
        for id in roleRows.keys { roleRows[id]?.permissions.remove(name) }
        return true
    }

    public func createRole(_ role: CustomRole) async throws {
        try await check(role, replacing: nil)
        roleRows[role.id] = role
    }

    public func role(id: UUID) async throws -> CustomRole? {
        await forgetOrphans()
        return roleRows[id]
    }

    /// The global roles (nil) or one organization's, by name then id.
    public func roles(organizationID: UUID?) async throws -> [CustomRole] {
        await forgetOrphans()
        return Self.sorted(roleRows.values.filter { $0.organizationID == organizationID })
    }

    public func updateRole(_ role: CustomRole) async throws -> CustomRole? {
        await forgetOrphans()
        guard var stored = roleRows[role.id] else { return nil }
        stored.name = role.name
        stored.permissions = role.permissions
        stored.updatedAt = role.updatedAt
        stored.updatedBy = role.updatedBy
        try await check(stored, replacing: role.id)
        roleRows[role.id] = stored
        return stored
    }

    public func deleteRole(id: UUID, force: Bool) async throws -> RoleDeletion {
        await forgetOrphans()
        guard roleRows[id] != nil else { return .notFound }
        let assigned = assignments.filter { $0.roleID == id }.count
        if assigned > 0 && !force { return .inUse(assigned) }
        roleRows[id] = nil
        assignments = assignments.filter { $0.roleID != id }
        return .deleted
    }

    public func assign(roleID: UUID, userID: UUID, at date: Date, by actor: UUID?) async throws {
        await forgetOrphans()
        guard roleRows[roleID] != nil, await references.userIDs()?.contains(userID) ?? true else {
            throw StoreError.conflict("the role or the user no longer exists")
        }
        assignments.insert(Assignment(roleID: roleID, userID: userID))
    }

    public func unassign(roleID: UUID, userID: UUID) async throws -> Bool {
        await forgetOrphans()
        return assignments.remove(Assignment(roleID: roleID, userID: userID)) != nil
    }

    /// A removed member's roles of that organization (`MembershipStore.remove`).
    func unassignAll(userID: UUID, organizationID: UUID) {
        assignments = assignments.filter { $0.userID != userID || roleRows[$0.roleID]?.organizationID != organizationID }
    }

    /// Global and every organization's, by name then id.
    public func assignedRoles(userID: UUID) async throws -> [CustomRole] {
        await forgetOrphans()
        let ids = Set(assignments.filter { $0.userID == userID }.map(\.roleID))
        return Self.sorted(roleRows.values.filter { ids.contains($0.id) })
    }

    /// The real store's refusals, in its order: a name taken in the scope, then a permission (or
    /// organization) that does not exist (both foreign keys map to `invalid` there).
    func check(_ role: CustomRole, replacing id: UUID?) async throws {
        if roleRows.values.contains(where: { $0.id != id && $0.organizationID == role.organizationID && $0.name == role.name }) {
            throw StoreError.conflict("a role named \(role.name) exists there")
        }
        let organizationExists = if let organization = role.organizationID {
            await organizations?.ids().contains(organization) ?? true
        } else {
            true
        }
        guard organizationExists, role.permissions.allSatisfy({ permissionRows[$0] != nil }) else {
            throw StoreError.invalid("a permission of the role does not exist")
        }
    }

    static func sorted(_ roles: some Sequence<CustomRole>) -> [CustomRole] {
        roles.sorted { ($0.name, $0.id.uuidString.lowercased()) < ($1.name, $1.id.uuidString.lowercased()) }
    }

    /// Assignments of deleted users, and roles of deleted organizations, go.
    func forgetOrphans() async {
        let users = await references.userIDs()
        let organizationIDs = await organizations?.ids()
        roleRows = roleRows.filter { entry in
            guard let organization = entry.value.organizationID, let organizationIDs else { return true }
            return organizationIDs.contains(organization)
        }
        assignments = assignments.filter { roleRows[$0.roleID] != nil && References.alive(user: $0.userID, users: users, clients: nil) }
    }

    /// The names of the roles assigned to `userID` that count in `organizationID` (the global
    /// ones and that organization's) and their permissions, each sorted and once
    /// (`MembershipStore.claims`).
    func held(userID: UUID, organizationID: UUID?) async -> (roles: [String], permissions: [String]) {
        await forgetOrphans()
        let roles = assignments.filter { $0.userID == userID }.compactMap { roleRows[$0.roleID] }
            .filter { $0.organizationID == nil || $0.organizationID == organizationID }
        return (Array(Set(roles.map(\.name))).sorted(), Array(Set(roles.flatMap(\.permissions))).sorted())
    }
}
