import Foundation

/// Permissions and custom roles (issue 10 item 2): the one place the pages, the API and the CLI
/// define permission strings, define, change and delete custom roles, and assign them.
///
/// - Permissions are defined and deleted by `site_admin` and above (who hold every permission).
/// - A global custom role is managed by `site_admin` and above; an organization's by its
///   `client_admin` (or a platform role). Another organization's roles answer `.notFound`.
/// - Nobody puts a permission they do not hold into a role, or assigns a role holding one
///   (`RoleRules.missingPermission`); taking a role away needs no permission.
/// - Assigning or unassigning acts on a person: it must be someone the caller outranks there,
///   and for an organization's role, a member of that organization.
/// - A role in use is deleted only with `force`, which unassigns it.
///
/// Each change is an audit event with its actor, and rows carry `created_by` / `updated_by`.
public struct CustomRoles: Sendable {
    let roles: any CustomRoleStore
    let organizations: any OrganizationStore
    let memberships: any MembershipStore
    let users: any UserStore
    let audit: any AuditLog
    let clock: any Clock

    public init(roles: any CustomRoleStore, organizations: any OrganizationStore, memberships: any MembershipStore, users: any UserStore,
                audit: any AuditLog, clock: any Clock) {
        self.roles = roles
        self.organizations = organizations
        self.memberships = memberships
        self.users = users
        self.audit = audit
        self.clock = clock
    }

    /// Why a request was refused; each maps to one status (noted) in the API and one message in the CLI.
    public enum Refusal: Error, Equatable, Sendable {
        /// 400: not `name` or `resource:action` in lower-case letters, digits, `_ . -`.
        case invalidPermission
        /// 400: a description over 500 characters or with control characters.
        case invalidDescription
        /// 400: not a lower-case letter then up to 62 of `a-z 0-9 _ . -`.
        case invalidRoleName
        /// 400: a permission nobody defined.
        case unknownPermission
        /// 409: the permission is defined already.
        case permissionExists
        /// 409: a role of that name exists there (globally, or in the organization).
        case roleNameTaken
        /// 409: assigned to this many users; delete with `force` to unassign it.
        case roleInUse(Int)
        /// 404: unknown, or outside the caller's organizations (the same answer for both).
        case notFound
        /// 403: the caller sees it but may not do this.
        case notPermitted
        /// 403: the role would give a permission the caller does not hold.
        case permissionNotHeld(String)
    }

    // MARK: - Permissions

    public func definePermission(_ name: String, description: String = "", by principal: Principal) async throws -> Permission {
        try requirePermissionDefiner(principal)
        guard OrganizationNames.isPermission(name) else { throw Refusal.invalidPermission }
        guard description.count <= 500, !description.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Refusal.invalidDescription
        }
        let permission = Permission(name: name, description: description, createdAt: clock.now, createdBy: principal.userID)
        do {
            try await roles.createPermission(permission)
        } catch StoreError.conflict {
            throw Refusal.permissionExists
        }
        await record(.permissionCreated, by: principal, at: permission.createdAt, details: ["permission": name])
        return permission
    }

    /// Deletes the permission and takes it out of every role that had it.
    public func deletePermission(_ name: String, by principal: Principal) async throws {
        try requirePermissionDefiner(principal)
        guard OrganizationNames.isPermission(name), try await roles.deletePermission(name: name) else { throw Refusal.notFound }
        await record(.permissionDeleted, by: principal, at: clock.now, details: ["permission": name])
    }

    /// Every permission, by name: for platform roles and `client_admin`s (who build their
    /// organization's roles from them).
    public func permissions(by principal: Principal) async throws -> [Permission] {
        guard principal.roles.platformRole != nil || principal.roles.organizationRoles.values.contains(where: { $0 >= .clientAdmin }) else {
            throw Refusal.notPermitted
        }
        return try await roles.permissions()
    }

    func requirePermissionDefiner(_ principal: Principal) throws {
        guard principal.roles.platformRole?.holdsEveryPermission == true else { throw Refusal.notPermitted }
    }

    // MARK: - Roles

    /// A new custom role: global (`organizationID` nil) or the organization's.
    public func createRole(named name: String, permissions: Set<String>, in organizationID: UUID?, by principal: Principal) async throws
        -> CustomRole {
        guard OrganizationNames.isRoleName(name) else { throw Refusal.invalidRoleName }
        let acting = try await manager(of: organizationID, by: principal)
        try checkHeld(permissions, by: principal, acting: acting)
        let now = clock.now
        let role = CustomRole(id: UUID(), organizationID: organizationID, name: name, permissions: permissions, createdAt: now,
                              createdBy: principal.userID)
        try await mapped { try await roles.createRole(role) }
        await record(.roleCreated, by: principal, at: now, details: facts(role))
        return role
    }

    /// The global roles (nil) or one organization's, by name.
    public func list(in organizationID: UUID?, by principal: Principal) async throws -> [CustomRole] {
        _ = try await manager(of: organizationID, by: principal)
        return try await roles.roles(organizationID: organizationID)
    }

    /// One role, when the caller manages its scope.
    public func role(_ id: UUID, by principal: Principal) async throws -> CustomRole {
        try await managed(id, by: principal).role
    }

    /// A new name and/or a new set of permissions (each added one held by the caller).
    public func updateRole(_ id: UUID, name: String? = nil, permissions: Set<String>? = nil, by principal: Principal) async throws
        -> CustomRole {
        var (role, acting) = try await managed(id, by: principal)
        if let name {
            guard OrganizationNames.isRoleName(name) else { throw Refusal.invalidRoleName }
            role.name = name
        }
        if let permissions {
            try checkHeld(permissions.subtracting(role.permissions), by: principal, acting: acting)
            role.permissions = permissions
        }
        let now = clock.now
        role.updatedAt = now
        role.updatedBy = principal.userID
        let toStore = role
        guard let updated = try await mapped({ try await roles.updateRole(toStore) }) else { throw Refusal.notFound }
        await record(.roleUpdated, by: principal, at: now, details: facts(updated))
        return updated
    }

    /// Deletes the role; one assigned to anyone only with `force`, which unassigns it.
    public func deleteRole(_ id: UUID, force: Bool, by principal: Principal) async throws {
        let (role, _) = try await managed(id, by: principal)
        switch try await roles.deleteRole(id: id, force: force) {
        case .deleted: break
        case .inUse(let count): throw Refusal.roleInUse(count)
        case .notFound: throw Refusal.notFound
        }
        await record(.roleDeleted, by: principal, at: clock.now, details: facts(role).merging(["force": "\(force)"]) { first, _ in first })
    }

    // MARK: - Assignment

    /// Gives the user the role: someone the caller outranks (a member, for an organization's
    /// role), and only a role whose every permission the caller holds.
    public func assign(_ id: UUID, to userID: UUID, by principal: Principal) async throws {
        let (role, acting) = try await managed(id, by: principal)
        try await checkPerson(userID, for: role, acting: acting)
        try checkHeld(role.permissions, by: principal, acting: acting)
        let now = clock.now
        do {
            try await roles.assign(roleID: id, userID: userID, at: now, by: principal.userID)
        } catch StoreError.conflict {
            throw Refusal.notFound
        }
        await record(.roleAssigned, by: principal, at: now, subject: userID,
                     details: facts(role).merging(["user_id": Self.text(userID)]) { first, _ in first })
    }

    /// Takes the role from the user; `.notFound` when they did not hold it.
    public func unassign(_ id: UUID, from userID: UUID, by principal: Principal) async throws {
        let (role, acting) = try await managed(id, by: principal)
        try await checkPerson(userID, for: role, acting: acting)
        guard try await roles.unassign(roleID: id, userID: userID) else { throw Refusal.notFound }
        await record(.roleUnassigned, by: principal, at: clock.now, subject: userID,
                     details: facts(role).merging(["user_id": Self.text(userID)]) { first, _ in first })
    }

    // MARK: - Rules

    /// The role the caller acts as on the roles of a scope: for global roles `site_admin` and
    /// above; for an organization's, its `client_admin` or a platform role.
    func manager(of organizationID: UUID?, by principal: Principal) async throws -> Role {
        guard let organizationID else {
            guard let platform = principal.roles.platformRole, platform.holdsEveryPermission else { throw Refusal.notPermitted }
            return platform
        }
        guard let acting = principal.roles.role(in: organizationID), try await organizations.find(id: organizationID) != nil else {
            throw Refusal.notFound
        }
        guard acting >= .clientAdmin else { throw Refusal.notPermitted }
        return acting
    }

    /// The role by id, with the role its caller manages it as.
    func managed(_ id: UUID, by principal: Principal) async throws -> (role: CustomRole, acting: Role) {
        guard let role = try await roles.role(id: id) else { throw Refusal.notFound }
        if role.organizationID == nil, principal.roles.platformRole == nil {
            // Global roles are no organization's: a member without a platform role sees none of them.
            throw Refusal.notFound
        }
        return (role, try await manager(of: role.organizationID, by: principal))
    }

    /// The person a role is given to or taken from: known, a member of the role's organization,
    /// and outranked by the caller there (their built-in role there and any platform role).
    func checkPerson(_ userID: UUID, for role: CustomRole, acting: Role) async throws {
        guard try await users.find(id: userID) != nil else { throw Refusal.notFound }
        var held: [Role] = []
        if let organizationID = role.organizationID {
            guard let membership = try await memberships.membership(organizationID: organizationID, userID: userID) else {
                throw Refusal.notFound
            }
            held.append(membership.role)
        }
        if let platform = try await memberships.platformRole(userID: userID) { held.append(platform) }
        guard held.allSatisfy({ OrganizationAdministration.outranks(acting, $0) }) else { throw Refusal.notPermitted }
    }

    func checkHeld(_ permissions: Set<String>, by principal: Principal, acting: Role) throws {
        guard permissions.allSatisfy(OrganizationNames.isPermission) else { throw Refusal.invalidPermission }
        if let missing = RoleRules.missingPermission(principal.roles, acting: acting, of: permissions) {
            throw Refusal.permissionNotHeld(missing)
        }
    }

    /// The store's conflicts in this service's words.
    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch StoreError.conflict {
            throw Refusal.roleNameTaken
        } catch StoreError.invalid {
            throw Refusal.unknownPermission
        }
    }

    func facts(_ role: CustomRole) -> [String: String] {
        var details = ["role_id": Self.text(role.id), "role": role.name, "permissions": role.permissions.sorted().joined(separator: " ")]
        if let organizationID = role.organizationID { details["organization_id"] = Self.text(organizationID) }
        return details
    }

    func record(_ type: AuditEventType, by principal: Principal, at now: Date, subject: UUID? = nil, details: [String: String]) async {
        await audit.record(AuditEvent(type: type, occurredAt: now, actor: principal.auditActor, subject: subject ?? principal.userID,
                                      details: details))
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}
