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

    /// Every membership of the user, oldest first.
    func memberships(userID: UUID) async throws -> [Membership]
    func membership(organizationID: UUID, userID: UUID) async throws -> Membership?
    /// Adds the member with `membership.role`, or changes the role of an existing member
    /// (keeping when they joined). Throws `StoreError.conflict` when the organization or the user is gone.
    func save(_ membership: Membership, at: Date, by: UUID?) async throws
    /// Removes the member; false when they were not one.
    @discardableResult
    func remove(organizationID: UUID, userID: UUID) async throws -> Bool
    /// Members by when they joined, then user id, strictly after `after` (keyset paging).
    func members(organizationID: UUID, after: MembershipCursor?, limit: Int) async throws -> [Membership]
    /// How many members hold `role` in the organization.
    func count(organizationID: UUID, role: Role) async throws -> Int
}

/// Where a page of members ended.
public struct MembershipCursor: Sendable, Equatable {
    public var createdAt: Date
    public var userID: UUID

    public init(after membership: Membership) {
        self.createdAt = membership.createdAt
        self.userID = membership.userID
    }
}
