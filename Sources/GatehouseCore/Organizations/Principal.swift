import Foundation

/// Who is acting, with what they hold, read from the database for this one call (never from a
/// token's claims): the user (nil for the operator at the server's shell) and their roles.
public struct Principal: Sendable, Equatable {
    public var userID: UUID?
    public var roles: RoleRules.Actor

    public init(userID: UUID?, roles: RoleRules.Actor) {
        self.userID = userID
        self.roles = roles
    }

    /// The operator at the server's shell (`gatehouse` commands): acts as `super_admin`.
    public static let serverOperator = Principal(userID: nil, roles: RoleRules.Actor(platformRole: .superAdmin))

    /// How audit events name the actor.
    public var auditActor: String { userID.map(AuditEvent.user) ?? "operator" }
}

/// Reads a user's roles for `Principal`: one query per store, on every call.
public struct Principals: Sendable {
    let memberships: any MembershipStore
    let customRoles: any CustomRoleStore

    public init(memberships: any MembershipStore, customRoles: any CustomRoleStore) {
        self.memberships = memberships
        self.customRoles = customRoles
    }

    public func principal(userID: UUID) async throws -> Principal {
        let platform = try await memberships.platformRole(userID: userID)
        let organizations = try await memberships.memberships(userID: userID)
        let permissions = try await customRoles.assignedRoles(userID: userID).reduce(into: Set<String>()) { $0.formUnion($1.permissions) }
        return Principal(userID: userID, roles: RoleRules.Actor(
            platformRole: platform, organizationRoles: Dictionary(organizations.map { ($0.organizationID, $0.role) }, uniquingKeysWith: max),
            permissions: permissions))
    }
}
