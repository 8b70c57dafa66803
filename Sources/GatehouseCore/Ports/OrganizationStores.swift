import Foundation

/// Organizations (PostgreSQL `organizations`).
public protocol OrganizationStore: Sendable {
    /// Stores a new organization. Its slug is made unique with a numeric suffix when taken
    /// (`acme`, `acme-2`, …); returns the organization as stored.
    func create(_ organization: Organization) async throws -> Organization
    func find(id: UUID) async throws -> Organization?
    func find(slug: String) async throws -> Organization?
    /// Replaces name, status, second-factor policy and the `updated` fields; nil when it is gone.
    /// The slug never changes (links and the `organization` parameter name it).
    func update(_ organization: Organization) async throws -> Organization?
    /// Organizations whose name contains `search` (case-insensitive; nil: all), ordered by name
    /// then id, strictly after `after` (keyset paging, never OFFSET).
    func list(matching search: String?, after: OrganizationCursor?, limit: Int) async throws -> [Organization]
}

/// Where a page of organizations ended.
public struct OrganizationCursor: Sendable, Equatable {
    public var name: String
    public var id: UUID

    public init(after organization: Organization) {
        self.name = organization.name
        self.id = organization.id
    }

    public init(name: String, id: UUID) {
        self.name = name
        self.id = id
    }
}

/// Who holds which built-in role: platform roles (`platform_roles`) and memberships of
/// organizations with their role there (`memberships`).
public protocol MembershipStore: Sendable {
    /// The user's platform role, if any.
    func platformRole(userID: UUID) async throws -> Role?
    /// Grants `role` (a platform role), replacing any other; nil takes it away.
    func setPlatformRole(_ role: Role?, userID: UUID, at: Date, by: UUID?) async throws
    /// How many users hold `role` as their platform role (the last `super_admin` rule).
    func count(platformRole: Role) async throws -> Int
    /// `setPlatformRole`, unless it would leave nobody holding `super_admin`: the count and the
    /// change are one transaction with the `super_admin` rows locked, so two removals at the same
    /// moment never take away the last two. False: it would have, and nothing changed.
    func setPlatformRoleKeepingASuperAdmin(_ role: Role?, userID: UUID, at: Date, by: UUID?) async throws -> Bool
    /// The first `super_admin` (`gatehouse admin bootstrap`): creates `account` and grants it
    /// `super_admin` in one transaction, under a lock on the platform roles, only while nobody
    /// holds that role, so two bootstraps at once make one.
    func createFirstSuperAdmin(_ account: User, at: Date) async throws -> FirstSuperAdmin

    /// Every membership of the user, oldest first.
    func memberships(userID: UUID) async throws -> [Membership]
    func membership(organizationID: UUID, userID: UUID) async throws -> Membership?
    /// Adds the member with `membership.role`, or changes the role of an existing member
    /// (keeping when they joined). Throws `StoreError.conflict` when the organization or the user is gone.
    func save(_ membership: Membership, at: Date, by: UUID?) async throws
    /// Removes the member, and with them the organization's custom roles assigned to them (those
    /// are held within it); false when they were not one.
    @discardableResult
    func remove(organizationID: UUID, userID: UUID) async throws -> Bool
    /// Members by when they joined, then user id, strictly after `after` (keyset paging), each
    /// with who they are and their confirmed second factors: one query for a page, however long.
    func members(organizationID: UUID, after: MembershipCursor?, limit: Int) async throws -> [MemberListing]
    /// The `client_admin`s of each of the organizations, by when they joined, at most `limit`
    /// each (organizations without one are absent): one query for a page of organizations.
    func administrators(organizationIDs: [UUID], limit: Int) async throws -> [UUID: [MemberListing]]
    /// How many members hold `role` in the organization.
    func count(organizationID: UUID, role: Role) async throws -> Int

    /// The organizations the user is a member of whose name contains `search` (case-insensitive;
    /// nil: all), by name then id, at most `limit`: the organization picker of a sign-in, and
    /// (with `limit: 2`) whether the user has none, one or several.
    func organizations(userID: UUID, matching search: String?, limit: Int) async throws -> [Organization]
    /// What a token may say about the user acting for `organizationID` (nil: no organization),
    /// in ONE indexed query: the organization, the platform role, the role there, and the custom
    /// roles (global and that organization's) with their permissions. Token grants call it only
    /// when the scopes ask for `organization` or `roles` (`/token` is benchmarked).
    func claims(userID: UUID, organizationID: UUID?) async throws -> MemberClaims
}

/// What `createFirstSuperAdmin` did.
public enum FirstSuperAdmin: Sendable, Equatable {
    case created
    /// Someone holds `super_admin` already; nothing changed.
    case superAdminExists
    /// An account has the email; nothing changed.
    case emailTaken
}

/// Where a page of members ended.
/// A member as lists show them: the membership, who they are, and the second factors they
/// have confirmed (an enrolment waiting for its first code does not count).
public struct MemberListing: Sendable, Equatable {
    public var membership: Membership
    public var email: String
    public var name: String?
    public var secondFactors: Set<MFACredential.Kind>

    public init(membership: Membership, email: String, name: String?, secondFactors: Set<MFACredential.Kind>) {
        self.membership = membership
        self.email = email
        self.name = name
        self.secondFactors = secondFactors
    }
}

public struct MembershipCursor: Sendable, Equatable {
    public var createdAt: Date
    public var userID: UUID

    public init(after membership: Membership) {
        self.createdAt = membership.createdAt
        self.userID = membership.userID
    }

    public init(createdAt: Date, userID: UUID) {
        self.createdAt = createdAt
        self.userID = userID
    }
}

/// Permissions, custom roles and their assignment to users (PostgreSQL `permissions`,
/// `custom_roles`, `custom_role_permissions`, `custom_role_assignments`).
public protocol CustomRoleStore: Sendable {
    /// Throws `StoreError.conflict` when the permission exists.
    func createPermission(_ permission: Permission) async throws
    /// Every permission, by name.
    func permissions() async throws -> [Permission]
    /// Deletes the permission and removes it from every role; false when it did not exist.
    @discardableResult
    func deletePermission(name: String) async throws -> Bool

    /// Throws `StoreError.conflict` when the name is taken in the role's scope (global, or its
    /// organization), and `StoreError.invalid` when a permission does not exist.
    func createRole(_ role: CustomRole) async throws
    func role(id: UUID) async throws -> CustomRole?
    /// The global roles (nil) or one organization's, by name.
    func roles(organizationID: UUID?) async throws -> [CustomRole]
    /// Replaces name and permissions; nil when the role is gone. Same errors as `createRole`.
    func updateRole(_ role: CustomRole) async throws -> CustomRole?
    /// Deletes the role. A role assigned to anyone is kept (`.inUse`) unless `force`, which
    /// unassigns it first, in the same transaction.
    func deleteRole(id: UUID, force: Bool) async throws -> RoleDeletion

    /// Assigns the role to the user (again: nothing changes). Throws `StoreError.conflict` when
    /// the role or the user is gone.
    func assign(roleID: UUID, userID: UUID, at: Date, by: UUID?) async throws
    @discardableResult
    func unassign(roleID: UUID, userID: UUID) async throws -> Bool
    /// The custom roles assigned to the user, global and of every organization, by name.
    func assignedRoles(userID: UUID) async throws -> [CustomRole]
}

/// What `deleteRole` did.
public enum RoleDeletion: Sendable, Equatable {
    case deleted
    /// Assigned to this many users; nothing changed.
    case inUse(Int)
    case notFound
}

/// Invitations (PostgreSQL `invitations`). Accepting is one transaction with everything it
/// changes, so a link accepted twice at the same moment makes one user.
public protocol InvitationStore: Sendable {
    /// Stores a pending invitation under its token's digest. Throws `StoreError.conflict` when
    /// the address already has a pending invitation to the same place (organization or platform).
    func create(_ invitation: Invitation, digest: [UInt8]) async throws
    func find(digest: [UInt8]) async throws -> Invitation?
    func find(id: UUID) async throws -> Invitation?
    /// The address's pending invitation to a place (an organization; nil: the platform), past its
    /// expiry or not (until the sweep marks it, it holds the place: see `expire`).
    func pending(email: String, organizationID: UUID?) async throws -> Invitation?
    /// Newest first, strictly before `before` (keyset): an inviter's (`invitedBy`), an
    /// organization's, or both filters at once; nil filters are not applied.
    func list(invitedBy: UUID?, organizationID: UUID?, before: InvitationCursor?, limit: Int) async throws -> [Invitation]
    /// Revokes a pending invitation; returns it, or nil when it was not pending (or is unknown).
    func revoke(id: UUID, at: Date, by: UUID?) async throws -> Invitation?
    /// A resend: the pending invitation `id` is replaced by `replacement` (a new token), in one
    /// transaction. Nil when `id` was not pending.
    func replace(id: UUID, with replacement: Invitation, digest: [UInt8], at: Date) async throws -> Invitation?
    /// Accepts the pending invitation with this digest, atomically with what it gives: a new
    /// account (`newUser`, email verified: the link proved the mailbox) or the existing
    /// `userID`; the membership or platform role (never lowering one already held); the
    /// organization made active.
    func accept(digest: [UInt8], as acceptor: InvitationAcceptor, now: Date) async throws -> InvitationAcceptance
    /// Marks invitations whose time ran out as expired and returns them (each once).
    func expire(now: Date, limit: Int) async throws -> [Invitation]
}

/// Who accepts an invitation.
public enum InvitationAcceptor: Sendable, Equatable {
    /// A person without an account: it is created with this user record.
    case newUser(User)
    /// A signed-in user whose email is the invitation's.
    case existingUser(UUID)
}

/// What `accept` did.
public enum InvitationAcceptance: Sendable, Equatable {
    case accepted(Invitation, userID: UUID)
    /// The invitation is no longer pending.
    case unavailable(Invitation.State)
    case notFound
    /// `.newUser`, but the address has an account by now: sign in, then accept.
    case emailTaken
}

/// Where a page of invitations ended.
public struct InvitationCursor: Sendable, Equatable {
    public var createdAt: Date
    public var id: UUID

    public init(after invitation: Invitation) {
        self.createdAt = invitation.createdAt
        self.id = invitation.id
    }

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }
}
