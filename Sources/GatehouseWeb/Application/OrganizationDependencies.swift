public import GatehouseCore

/// The organizations' stores (PostgreSQL, issue 10): organizations, who belongs to them with
/// which role, and the invitations that bring people in. A sign-in reads its active organization
/// from them, and token grants the claims of `organization` and `roles` (one query, only when
/// those scopes are asked for).
public struct OrganizationDependencies: Sendable {
    public var organizations: any OrganizationStore
    public var memberships: any MembershipStore
    public var invitations: any InvitationStore

    public init(organizations: any OrganizationStore, memberships: any MembershipStore, invitations: any InvitationStore) {
        self.organizations = organizations
        self.memberships = memberships
        self.invitations = invitations
    }
}
