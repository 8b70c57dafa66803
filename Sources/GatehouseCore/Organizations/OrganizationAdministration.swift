import Foundation

/// Organizations and who holds which built-in role (issue 10 items 1, 3, 10): the one place the
/// pages, the API and the CLI create, rename and configure organizations, list their members,
/// change or take away a member's role, and grant or revoke platform roles.
///
/// - Creating an organization takes a platform role; changing its name or second-factor policy
///   its `client_admin` or a platform role.
/// - Every change of a role asks `RoleRules`: taking the current role away (`.remove`) and giving
///   the new one (`.assign`), so nobody acts at or above their own rank and the last
///   `super_admin` stays (checked again, atomically, by the store).
/// - Nobody changes the membership of someone who outranks them on the platform (a
///   `client_admin` cannot remove an operator who is also a member there).
/// - Anything of an organization the caller has no role in answers `.notFound`, exactly like an
///   unknown id, so ids of other organizations reveal nothing.
///
/// Each change is an audit event with its actor, and rows carry `created_by` / `updated_by`.
public struct OrganizationAdministration: Sendable {
    let organizations: any OrganizationStore
    let memberships: any MembershipStore
    let users: any UserStore
    let audit: any AuditLog
    let clock: any Clock

    public init(organizations: any OrganizationStore, memberships: any MembershipStore, users: any UserStore, audit: any AuditLog,
                clock: any Clock) {
        self.organizations = organizations
        self.memberships = memberships
        self.users = users
        self.audit = audit
        self.clock = clock
    }

    /// Why a request was refused; each maps to one status (noted) in the API and one message in the CLI.
    public enum Refusal: Error, Equatable, Sendable {
        /// 400: not 1–200 characters, or control characters.
        case invalidName
        /// 400: not lower-case letters, digits and inner hyphens, 1–63 characters.
        case invalidSlug
        /// 400: `required` with no method allowed.
        case invalidPolicy
        /// 400: a platform role given as a member's role, or an organization role as a platform role.
        case roleDoesNotFitPlace
        /// 409: another organization has the slug.
        case slugTaken
        /// 404: unknown, or outside the caller's organizations (the same answer for both).
        case notFound
        /// 403: the caller sees it but may not do this.
        case notPermitted
        /// 409: that would leave nobody holding `super_admin`.
        case lastSuperAdmin
    }

    /// The most members one page lists.
    public static let maximumPageSize = 200

    // MARK: - Organizations

    /// A new organization (pending until its first member accepts an invitation). Platform roles only.
    public func create(name text: String, slug requested: String? = nil, by principal: Principal) async throws -> Organization {
        guard principal.roles.platformRole != nil else { throw Refusal.notPermitted }
        guard let name = OrganizationNames.displayName(text) else { throw Refusal.invalidName }
        if let requested {
            guard OrganizationNames.isSlug(requested) else { throw Refusal.invalidSlug }
            // A slug asked for by name is kept or refused; only a derived one gets a suffix.
            guard try await organizations.find(slug: requested) == nil else { throw Refusal.slugTaken }
        }
        let now = clock.now
        let created = try await organizations.create(Organization(
            id: UUID(), name: name, slug: requested ?? OrganizationNames.slug(from: name), status: .pending,
            createdAt: now, createdBy: principal.userID))
        await record(.organizationCreated, by: principal, at: now,
                     details: ["organization_id": Self.text(created.id), "name": created.name, "slug": created.slug])
        return created
    }

    /// The organization named by its id or its slug, when the caller has a role in it (any
    /// member, or a platform role).
    public func organization(_ reference: String, by principal: Principal) async throws -> Organization {
        let found = if let id = UUID(uuidString: reference) {
            try await organizations.find(id: id)
        } else {
            OrganizationNames.isSlug(reference) ? try await organizations.find(slug: reference) : nil
        }
        guard let found, principal.roles.role(in: found.id) != nil else { throw Refusal.notFound }
        return found
    }

    /// The organizations the caller may see, by name then id, after `after` (keyset): all of
    /// them for platform roles, else the caller's own. `search` matches within names, ignoring case.
    public func list(matching search: String?, after: OrganizationCursor?, limit: Int, by principal: Principal) async throws
        -> [Organization] {
        let limit = min(max(limit, 0), Self.maximumPageSize)
        if principal.roles.platformRole != nil {
            return try await organizations.list(matching: search, after: after, limit: limit)
        }
        // A member's own organizations: a handful, read one by one.
        var own: [Organization] = []
        for id in principal.roles.organizationRoles.keys {
            if let organization = try await organizations.find(id: id) { own.append(organization) }
        }
        // The store's order: name, then id (PostgreSQL compares uuids as their hex digits do).
        func key(_ name: String, _ id: UUID) -> (String, String) { (name, id.uuidString) }
        return own
            .filter { organization in search.map { organization.name.lowercased().contains($0.lowercased()) } ?? true }
            .filter { organization in after.map { key(organization.name, organization.id) > key($0.name, $0.id) } ?? true }
            .sorted { key($0.name, $0.id) < key($1.name, $1.id) }
            .prefix(limit).map { $0 }
    }

    /// A new name (the slug stays: links and the `organization` parameter name it).
    public func rename(_ id: UUID, to text: String, by principal: Principal) async throws -> Organization {
        guard let name = OrganizationNames.displayName(text) else { throw Refusal.invalidName }
        return try await update(id, by: principal, details: ["name": name]) { $0.name = name }
    }

    /// The organization's second-factor rule for its members' sign-ins.
    public func setSecondFactorPolicy(_ id: UUID, to policy: SecondFactorPolicy, by principal: Principal) async throws -> Organization {
        if case .required(let methods) = policy, methods.isEmpty { throw Refusal.invalidPolicy }
        return try await update(id, by: principal, details: ["second_factor": Self.text(policy)]) { $0.secondFactor = policy }
    }

    func update(_ id: UUID, by principal: Principal, details: [String: String], _ change: (inout Organization) -> Void) async throws
        -> Organization {
        var organization = try await administered(id, by: principal)
        let now = clock.now
        change(&organization)
        organization.updatedAt = now
        organization.updatedBy = principal.userID
        guard let updated = try await organizations.update(organization) else { throw Refusal.notFound }
        await record(.organizationUpdated, by: principal, at: now,
                     details: details.merging(["organization_id": Self.text(id)]) { first, _ in first })
        return updated
    }

    /// The organization, when the caller administers it: its `client_admin` or a platform role.
    func administered(_ id: UUID, by principal: Principal) async throws -> Organization {
        guard let acting = principal.roles.role(in: id), let organization = try await organizations.find(id: id) else {
            throw Refusal.notFound
        }
        guard acting >= .clientAdmin else { throw Refusal.notPermitted }
        return organization
    }

    // MARK: - Members

    /// A member as the organization page and `gatehouse org show` list them.
    public typealias Member = MemberListing

    /// The organization's members by when they joined, after `after` (keyset, never OFFSET: an
    /// organization of 10,000 pages as fast at its end as at its start), in one query a page.
    public func members(of id: UUID, after: MembershipCursor?, limit: Int, by principal: Principal) async throws -> [Member] {
        _ = try await administered(id, by: principal)
        return try await memberships.members(organizationID: id, after: after, limit: min(max(limit, 0), Self.maximumPageSize))
    }

    /// The `client_admin`s of each of these organizations the caller administers, at most
    /// `limit` each, in one query (the people page's list of organizations).
    public func administrators(of ids: [UUID], limit: Int, by principal: Principal) async throws -> [UUID: [Member]] {
        let administered = ids.filter { principal.roles.role(in: $0).map { $0 >= .clientAdmin } ?? false }
        return try await memberships.administrators(organizationIDs: administered, limit: min(max(limit, 0), Self.maximumPageSize))
    }

    /// Gives a member another built-in role there: the caller must be allowed to take the
    /// current role away and to give the new one.
    public func changeMemberRole(of userID: UUID, in id: UUID, to role: Role, by principal: Principal) async throws -> Membership {
        guard !role.isPlatformRole else { throw Refusal.roleDoesNotFitPlace }
        var membership = try await member(userID, of: id, actedOnBy: principal)
        // Judged before the no-op below: otherwise anyone who may see the organization learns a
        // member's role by asking to give them one (200 for theirs, 403 for any other).
        try check(principal, may: .remove, membership.role, in: id)
        try check(principal, may: .assign, role, in: id)
        guard membership.role != role else { return membership }
        let now = clock.now, previous = membership.role
        membership.role = role
        do {
            try await memberships.save(membership, at: now, by: principal.userID)
        } catch StoreError.conflict {
            throw Refusal.notFound
        }
        await record(.memberRoleChanged, by: principal, at: now, subject: userID,
                     details: ["organization_id": Self.text(id), "user_id": Self.text(userID), "from": previous.rawValue, "to": role.rawValue])
        return membership
    }

    /// Takes the member out of the organization (with its custom roles there).
    public func removeMember(_ userID: UUID, from id: UUID, by principal: Principal) async throws {
        let membership = try await member(userID, of: id, actedOnBy: principal)
        try check(principal, may: .remove, membership.role, in: id)
        guard try await memberships.remove(organizationID: id, userID: userID) else { throw Refusal.notFound }
        await record(.memberRemoved, by: principal, at: clock.now, subject: userID,
                     details: ["organization_id": Self.text(id), "user_id": Self.text(userID), "role": membership.role.rawValue])
    }

    /// The membership the caller is about to change: the organization must be theirs to see, the
    /// user a member, and not someone who outranks the caller on the platform.
    func member(_ userID: UUID, of id: UUID, actedOnBy principal: Principal) async throws -> Membership {
        guard let acting = principal.roles.role(in: id), try await organizations.find(id: id) != nil,
              let membership = try await memberships.membership(organizationID: id, userID: userID) else { throw Refusal.notFound }
        if let theirs = try await memberships.platformRole(userID: userID), !Self.outranks(acting, theirs) {
            throw Refusal.notPermitted
        }
        return membership
    }

    /// Whether `acting` may act on a person holding `role`: a role strictly above it, or
    /// `super_admin` (the last one is guarded apart).
    static func outranks(_ acting: Role, _ role: Role) -> Bool {
        acting > role || acting == .superAdmin
    }

    // MARK: - Platform roles

    /// Gives the user a platform role in place of any they hold: the caller must be allowed to
    /// take the current one away and to give the new one.
    public func grantPlatformRole(_ role: Role, to userID: UUID, by principal: Principal) async throws {
        guard role.isPlatformRole else { throw Refusal.roleDoesNotFitPlace }
        guard try await users.find(id: userID) != nil else { throw Refusal.notFound }
        let current = try await memberships.platformRole(userID: userID)
        guard current != role else { return }
        if let current { try await checkRemoval(of: current, by: principal) }
        try check(principal, may: .assign, role, in: nil)
        try await change(userID, to: role, from: current, by: principal)
    }

    /// Takes the user's platform role away (never the last `super_admin`'s).
    public func revokePlatformRole(of userID: UUID, by principal: Principal) async throws {
        guard let current = try await memberships.platformRole(userID: userID) else { throw Refusal.notFound }
        try await checkRemoval(of: current, by: principal)
        try await change(userID, to: nil, from: current, by: principal)
    }

    func checkRemoval(of role: Role, by principal: Principal) async throws {
        let count = role == .superAdmin ? try await memberships.count(platformRole: .superAdmin) : nil
        try check(principal, may: .remove, role, in: nil, superAdminCount: count)
    }

    func change(_ userID: UUID, to role: Role?, from previous: Role?, by principal: Principal) async throws {
        let now = clock.now
        // The store checks the last super_admin again, atomically, against a removal at the same moment.
        guard try await memberships.setPlatformRoleKeepingASuperAdmin(role, userID: userID, at: now, by: principal.userID) else {
            throw Refusal.lastSuperAdmin
        }
        if let previous {
            await record(.roleRevoked, by: principal, at: now, subject: userID,
                         details: ["user_id": Self.text(userID), "role": previous.rawValue])
        }
        if let role {
            await record(.roleGranted, by: principal, at: now, subject: userID, details: ["user_id": Self.text(userID), "role": role.rawValue])
        }
    }

    // MARK: - Rules and records

    func check(_ principal: Principal, may action: RoleRules.Action, _ role: Role, in organizationID: UUID?,
               superAdminCount: Int? = nil) throws {
        let target = RoleRules.Target(role: role, organization: organizationID, superAdminCount: superAdminCount)
        switch RoleRules.refusal(principal.roles, action, target) {
        case nil: return
        case .outsideOrganization: throw Refusal.notFound
        case .lastSuperAdmin: throw Refusal.lastSuperAdmin
        case .notPermitted, .permissionNotHeld: throw Refusal.notPermitted
        }
    }

    func record(_ type: AuditEventType, by principal: Principal, at now: Date, subject: UUID? = nil, details: [String: String]) async {
        await audit.record(AuditEvent(type: type, occurredAt: now, actor: principal.auditActor, subject: subject ?? principal.userID,
                                      details: details))
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// `off`, `optional`, or `required:email,totp`: how the trail and the CLI write a policy.
    public static func text(_ policy: SecondFactorPolicy) -> String {
        switch policy {
        case .off: "off"
        case .optional: "optional"
        case .required(let methods): "required:" + methods.map(\.rawValue).sorted().joined(separator: ",")
        }
    }
}
