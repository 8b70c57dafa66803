public import GatehouseCore

/// The organizations' stores (PostgreSQL, issue 10): organizations, who belongs to them with
/// which role, the invitations that bring people in, and custom roles (a caller's permissions). A
/// sign-in reads its active organization from them, and token grants the claims of `organization`
/// and `roles` (one query, only when those scopes are asked for).
public struct OrganizationDependencies: Sendable {
    public var organizations: any OrganizationStore
    public var memberships: any MembershipStore
    public var invitations: any InvitationStore
    public var customRoles: any CustomRoleStore
    /// How long a link works (`GATEHOUSE_INVITE_TTL`).
    public var invitationLifetime: Duration

    public init(organizations: any OrganizationStore, memberships: any MembershipStore, invitations: any InvitationStore,
                customRoles: any CustomRoleStore, invitationLifetime: Duration = Invitations.defaultLifetime) {
        self.organizations = organizations
        self.memberships = memberships
        self.invitations = invitations
        self.customRoles = customRoles
        self.invitationLifetime = invitationLifetime
    }
}
