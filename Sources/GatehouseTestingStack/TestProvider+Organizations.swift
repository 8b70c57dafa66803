import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTesting

/// Builders for organizations, memberships and custom roles (issue 10), each test with its own.
extension TestProvider {
    /// An organization with a slug of its own (`acme-1a2b3c4d`), active.
    public func makeOrganization(_ name: String = "Acme", secondFactor: SecondFactorPolicy = .optional) async throws -> Organization {
        let slug = OrganizationNames.slug(from: name) + "-" + UUID().uuidString.prefix(8).lowercased()
        return try await dependencies.organizations.organizations.create(Organization(
            id: UUID(), name: name, slug: slug, status: .active, secondFactor: secondFactor, createdAt: clock.now, createdBy: nil))
    }

    /// Makes `userID` a member of `organization` with `role` (or changes their role there).
    public func addMember(_ userID: UUID, to organization: Organization, role: Role = .clientUser) async throws {
        try await dependencies.organizations.memberships.save(
            Membership(organizationID: organization.id, userID: userID, role: role, createdAt: clock.now, createdBy: nil),
            at: clock.now, by: nil)
    }

    /// Permissions and custom roles: what the administration assigns and tokens report.
    public func customRoles() throws -> any CustomRoleStore {
        PostgresCustomRoleStore(pool: try TestServices.postgres())
    }

    /// A custom role of `organization` (nil: global) with these permissions (created when new),
    /// its name and the permissions prefixed with `tag` so tests never meet; assigned to `userID`.
    public func assignCustomRole(_ name: String, permissions: [String], organization: Organization?, to userID: UUID,
                                 tag: String) async throws -> CustomRole {
        let store = try customRoles()
        let existing = Set(try await store.permissions().map(\.name))
        for permission in permissions.map({ "\(tag):\($0)" }) where !existing.contains(permission) {
            try await store.createPermission(Permission(name: permission, createdAt: clock.now, createdBy: nil))
        }
        let role = CustomRole(id: UUID(), organizationID: organization?.id, name: "\(tag).\(name)",
                              permissions: Set(permissions.map { "\(tag):\($0)" }), createdAt: clock.now, createdBy: nil)
        try await store.createRole(role)
        try await store.assign(roleID: role.id, userID: userID, at: clock.now, by: nil)
        return role
    }
}

/// Invitations (issue 10 item 4) through the same service the pages use.
extension TestProvider {
    public var invitations: Invitations {
        Invitations(invitations: dependencies.organizations.invitations, organizations: dependencies.organizations.organizations,
                    memberships: dependencies.organizations.memberships, users: dependencies.users, crypto: crypto,
                    audit: dependencies.audit, clock: clock)
    }

    /// Who `userID` is to the rules, read from the database as every call reads it.
    public func principal(_ userID: UUID) async throws -> Principal {
        try await Principals(memberships: dependencies.organizations.memberships, customRoles: customRoles()).principal(userID: userID)
    }
}
