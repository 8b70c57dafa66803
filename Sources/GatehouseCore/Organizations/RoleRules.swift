import Foundation

/// Who may do what to whom, as one table (issue 10 item 1). Every page, API route and CLI command
/// that invites, assigns or removes a role asks `RoleRules.decide`, and nothing else.
///
/// The table names, for each action, the target roles each actor role may act on. The checks
/// around it, in order:
/// 1. scope: a target role within an organization is acted on by a platform role, or by a
///    member of that same organization; anyone else is outside it (`.outsideOrganization`,
///    answered like a missing record, so ids of other organizations reveal nothing);
/// 2. the table (`.notPermitted`);
/// 3. the last `super_admin` is never removed (`.lastSuperAdmin`);
/// 4. nobody gives away a permission they do not hold (`.permissionNotHeld`), for custom roles;
///    `site_admin` and above define the permissions, so they hold every one.
public enum RoleRules {
    public enum Action: String, CaseIterable, Sendable {
        /// Invite a person to hold the target role.
        case invite
        /// Give an existing user the target role (a promotion or a demotion to it).
        case assign
        /// Take the target role away (remove a member who holds it, or demote from it).
        case remove
    }

    /// The table: `allowed[action][actor]` is the set of target roles `actor` may act on.
    /// Nobody invites or assigns a role at or above their own; `client_admin` acts only on
    /// `client_user`, in their own organization; a `super_admin` may remove another
    /// `super_admin` (never the last one: check 3). The first `super_admin` comes from
    /// `gatehouse admin bootstrap` on the server's shell, outside this table.
    public static let allowed: [Action: [Role: Set<Role>]] = [
        .invite: [
            .superAdmin: [.siteAdmin, .operator, .clientAdmin],
            .siteAdmin: [.operator, .clientAdmin],
            .operator: [.clientAdmin],
            .clientAdmin: [.clientUser],
            .clientUser: [],
        ],
        .assign: [
            .superAdmin: [.siteAdmin, .operator, .clientAdmin],
            .siteAdmin: [.operator, .clientAdmin],
            .operator: [.clientAdmin],
            .clientAdmin: [.clientUser],
            .clientUser: [],
        ],
        .remove: [
            .superAdmin: [.superAdmin, .siteAdmin, .operator, .clientAdmin, .clientUser],
            .siteAdmin: [.operator, .clientAdmin, .clientUser],
            .operator: [.clientAdmin, .clientUser],
            .clientAdmin: [.clientUser],
            .clientUser: [],
        ],
    ]

    public enum Refusal: Error, Equatable, Sendable {
        /// The actor has no role in the target's organization and no platform role: to them
        /// the organization does not exist (404).
        case outsideOrganization
        /// The table does not allow it (403).
        case notPermitted
        /// Removing this `super_admin` would leave none (409).
        case lastSuperAdmin
        /// A permission of the role being given is not one the actor holds (403).
        case permissionNotHeld(String)
    }

    /// What the actor holds: at most one platform role, and roles per organization.
    public struct Actor: Sendable, Equatable {
        public var platformRole: Role?
        public var organizationRoles: [UUID: Role]
        /// Every permission the actor holds (from all their roles), for check 4.
        public var permissions: Set<String>

        public init(platformRole: Role? = nil, organizationRoles: [UUID: Role] = [:], permissions: Set<String> = []) {
            self.platformRole = platformRole
            self.organizationRoles = organizationRoles
            self.permissions = permissions
        }

        /// The role that speaks for the actor about `organization` (nil: a platform target).
        public func role(in organization: UUID?) -> Role? {
            if let platformRole { return platformRole }
            guard let organization else { return nil }
            return organizationRoles[organization]
        }
    }

    /// The target of an action: a built-in role, in an organization for the organization roles.
    public struct Target: Sendable, Equatable {
        public var role: Role
        public var organization: UUID?
        /// For `.remove` of a `super_admin`: how many `super_admin`s exist now.
        public var superAdminCount: Int?
        /// The permissions of a custom role given with it (empty for a built-in role alone).
        public var permissions: Set<String>

        public init(role: Role, organization: UUID? = nil, superAdminCount: Int? = nil, permissions: Set<String> = []) {
            self.role = role
            self.organization = organization
            self.superAdminCount = superAdminCount
            self.permissions = permissions
        }
    }

    /// Nil when `actor` may do `action` to `target`; otherwise why not.
    public static func refusal(_ actor: Actor, _ action: Action, _ target: Target) -> Refusal? {
        let scope = target.role.isPlatformRole ? nil : target.organization
        guard let acting = actor.role(in: scope) else {
            return scope == nil ? .notPermitted : .outsideOrganization
        }
        guard allowed[action]?[acting]?.contains(target.role) == true else { return .notPermitted }
        if action == .remove, target.role == .superAdmin, (target.superAdminCount ?? 0) <= 1 { return .lastSuperAdmin }
        if let missing = missingPermission(actor, acting: acting, of: target.permissions) { return .permissionNotHeld(missing) }
        return nil
    }

    /// Check 4 alone, for custom roles given or defined apart from a built-in role: the first of
    /// `permissions` (by name) that `actor`, speaking as `acting`, does not hold; nil when none.
    public static func missingPermission(_ actor: Actor, acting: Role, of permissions: Set<String>) -> String? {
        acting.holdsEveryPermission ? nil : permissions.subtracting(actor.permissions).sorted().first
    }
}

extension Role {
    /// `site_admin` and above define permissions and global custom roles, so they hold them all.
    public var holdsEveryPermission: Bool { rank >= Role.siteAdmin.rank }
}
