import Foundation

/// What the scopes `organization` and `roles` put into one token (issue 10 item 6), for the
/// grant's active organization only: `org_id`, `org_slug` and `org_name` (ID token and userinfo,
/// scope `organization`), `roles` (ID token, userinfo and access token, scope `roles`) and
/// `permissions` (access token, scope `roles`). The access token names its organization
/// (`org_id`) with either scope, so userinfo and resource servers know whose roles they read.
public struct OrganizationClaims: Sendable, Equatable {
    /// The organization the grant acts for, named in the access token (either scope).
    public var organizationID: UUID?
    /// With scope `organization`: the organization for `org_id`, `org_slug`, `org_name`.
    public var organization: Organization?
    /// With scope `roles`: the platform role, the role in the organization, the custom roles.
    public var roles: [String]?
    /// With scope `roles`: the permissions of those custom roles (access tokens only).
    public var permissions: [String]?

    public init(organizationID: UUID? = nil, organization: Organization? = nil, roles: [String]? = nil, permissions: [String]? = nil) {
        self.organizationID = organizationID
        self.organization = organization
        self.roles = roles
        self.permissions = permissions
    }

    /// Neither scope was asked for: nothing read, nothing added.
    public static let none = OrganizationClaims()

    /// Whether `scopes` ask for any of these claims (and so for a read at issue time).
    public static func areRequested(by scopes: some Sequence<String>) -> Bool {
        scopes.contains { $0 == Scope.organization || $0 == Scope.roles }
    }
}

/// Reads `OrganizationClaims` at the moment a token is issued, so a role taken away is gone from
/// the next token (a refresh), and adds at most one indexed query to a grant
/// (`MembershipStore.claims`), only when the scopes ask for `organization` or `roles`: `/token`
/// is benchmarked, and a grant without those scopes pays nothing. A refresh pays no query of
/// its own: the rotation reads the claims in its statement (`RefreshRotation.rotated`).
public struct OrganizationClaimsReader: Sendable {
    let memberships: any MembershipStore

    public init(memberships: any MembershipStore) {
        self.memberships = memberships
    }

    public enum Reading: Sendable, Equatable {
        case claims(OrganizationClaims)
        /// The grant acts for an organization the user no longer belongs to (and they hold no
        /// platform role), or that no longer exists: no token may speak for it.
        case membershipEnded
    }

    /// `scopes`: what this token says; `grantScopes`: what the grant was given (a refresh may
    /// narrow the access token's scope, but a grant that asked for the organization stays bound
    /// to the membership: narrowing never keeps a removed member's grant alive). Nil: `scopes`.
    /// `alreadyRead`: the claims a store read together with the grant (a refresh rotation), so
    /// they are not read twice.
    public func read(userID: UUID, organizationID: UUID?, scopes: [String], grantScopes: [String]? = nil,
                     alreadyRead: MemberClaims? = nil) async throws -> Reading {
        guard OrganizationClaims.areRequested(by: grantScopes ?? scopes) else { return .claims(.none) }
        let held: MemberClaims
        if let alreadyRead {
            held = alreadyRead
        } else {
            held = try await memberships.claims(userID: userID, organizationID: organizationID)
        }
        if organizationID != nil, !held.mayActForOrganization { return .membershipEnded }
        let withRoles = scopes.contains(Scope.roles)
        guard OrganizationClaims.areRequested(by: scopes) else { return .claims(.none) }
        return .claims(OrganizationClaims(
            organizationID: held.organization?.id,
            organization: scopes.contains(Scope.organization) ? held.organization : nil,
            roles: withRoles ? held.roles : nil, permissions: withRoles ? held.permissions : nil))
    }
}
