import Foundation

/// What tokens may say about a user's organization and roles (issue 10 item 6), read in one
/// query at the moment a token is issued (`MembershipStore.claims`), so a role taken away is
/// gone from the next token. Only the active organization's roles are here, never every
/// organization's: tokens stay small.
public struct MemberClaims: Sendable, Equatable {
    /// The active organization; nil when there is none, or it no longer exists.
    public var organization: Organization?
    public var platformRole: Role?
    /// The user's built-in role in `organization`; nil when they are not a member.
    public var organizationRole: Role?
    /// The names of the custom roles assigned to the user that count here: the global ones and
    /// `organization`'s (never another organization's), by name.
    public var customRoles: [String]
    /// The permissions of those custom roles, by name, each once.
    public var permissions: [String]

    public init(organization: Organization?, platformRole: Role?, organizationRole: Role?, customRoles: [String],
                permissions: [String]) {
        self.organization = organization
        self.platformRole = platformRole
        self.organizationRole = organizationRole
        self.customRoles = customRoles
        self.permissions = permissions
    }

    /// Whether the user may act for `organization` now: a member of it, or a holder of a
    /// platform role (who acts on every organization). False when there is no organization.
    public var mayActForOrganization: Bool {
        organization != nil && (organizationRole != nil || platformRole != nil)
    }

    /// The `roles` claim: the platform role, the built-in role in the organization, then the
    /// custom roles; each name once.
    public var roles: [String] {
        var names: [String] = []
        for name in [platformRole?.rawValue, organizationRole?.rawValue].compactMap({ $0 }) + customRoles where !names.contains(name) {
            names.append(name)
        }
        return names
    }
}
