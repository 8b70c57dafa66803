import Foundation

/// `assign_role` and `remove_role` in one organization (`organization_id`), of a built-in
/// organization role (`role`: `client_admin`, `client_user`) or a custom role of that
/// organization (`custom_role_id`). Each item is one call of `OrganizationAdministration` or
/// `CustomRoles`, so `RoleRules` decides with the requester as the database has them now, and
/// that service audits the change.
///
/// A built-in role is how someone is a member: assigning it changes the role of a member (it
/// adds nobody: people join by invitation), and removing it takes the member out of the
/// organization.
public struct BulkRoleHandler: BulkItemHandler {
    public enum Action: Sendable {
        case assign, remove
    }

    let action: Action
    let administration: OrganizationAdministration
    let customRoles: CustomRoles

    public init(_ action: Action, administration: OrganizationAdministration, customRoles: CustomRoles) {
        self.action = action
        self.administration = administration
        self.customRoles = customRoles
    }

    public static let assignKind = BulkJobKind("assign_role")
    public static let removeKind = BulkJobKind("remove_role")

    public var kind: BulkJobKind { action == .assign ? Self.assignKind : Self.removeKind }
    public var targetKind: BulkTargetKind { .users }

    /// What the parameters name.
    enum Granted: Equatable {
        case builtIn(Role)
        case custom(UUID)
    }

    static func read(_ parameters: [String: String]) throws -> (organization: UUID, granted: Granted) {
        guard let organization = parameters["organization_id"].flatMap(UUID.init(uuidString:)) else {
            throw BulkJobs.Refusal.invalidParameters("organization_id must be an organization's id")
        }
        switch (parameters["role"], parameters["custom_role_id"]) {
        case (let name?, nil):
            guard let role = Role(rawValue: name), !role.isPlatformRole else {
                throw BulkJobs.Refusal.invalidParameters("role must be client_admin or client_user")
            }
            return (organization, .builtIn(role))
        case (nil, let id?):
            guard let id = UUID(uuidString: id) else { throw BulkJobs.Refusal.invalidParameters("custom_role_id must be a role's id") }
            return (organization, .custom(id))
        default:
            throw BulkJobs.Refusal.invalidParameters("give either role or custom_role_id")
        }
    }

    /// The organization must be one the requester administers, and a custom role one of its own.
    public func validate(_ parameters: [String: String], by principal: Principal) async throws -> UUID? {
        let (organization, granted) = try Self.read(parameters)
        do {
            _ = try await administration.administered(organization, by: principal)
            if case .custom(let id) = granted {
                let (role, _) = try await customRoles.managed(id, by: principal)
                guard role.organizationID == organization else { throw BulkJobs.Refusal.invalidParameters("the custom role is not the organization's") }
            }
        } catch let refusal as OrganizationAdministration.Refusal {
            throw refusal == .notPermitted ? BulkJobs.Refusal.notPermitted : BulkJobs.Refusal.notFound
        } catch let refusal as CustomRoles.Refusal {
            throw refusal == .notFound ? BulkJobs.Refusal.notFound : BulkJobs.Refusal.notPermitted
        }
        return organization
    }

    public func apply(_ item: BulkItem, of job: BulkJob, by principal: Principal) async throws -> BulkItemOutcome {
        guard let userID = item.payload["user_id"].flatMap(UUID.init(uuidString:)) else { return .skipped("not a user id") }
        let (organization, granted) = try Self.read(job.parameters)
        do {
            switch granted {
            case .builtIn(let role): return try await builtIn(role, userID, organization, dryRun: job.dryRun, by: principal)
            case .custom(let id): return try await custom(id, userID, dryRun: job.dryRun, by: principal)
            }
        } catch let refusal as OrganizationAdministration.Refusal {
            return .skipped(Self.words(refusal))
        } catch let refusal as CustomRoles.Refusal {
            return .skipped(refusal == .notFound ? "not a member of the organization" : "not allowed")
        }
    }

    func builtIn(_ role: Role, _ userID: UUID, _ organization: UUID, dryRun: Bool, by principal: Principal) async throws -> BulkItemOutcome {
        let membership = try await administration.member(userID, of: organization, actedOnBy: principal)
        switch action {
        case .assign:
            guard membership.role != role else { return .skipped("already \(role.rawValue)") }
            if dryRun {
                try administration.check(principal, may: .remove, membership.role, in: organization)
                try administration.check(principal, may: .assign, role, in: organization)
                return .done("would assign \(role.rawValue)")
            }
            _ = try await administration.changeMemberRole(of: userID, in: organization, to: role, by: principal)
            return .done("assigned \(role.rawValue)")
        case .remove:
            guard membership.role == role else { return .skipped("does not hold \(role.rawValue)") }
            if dryRun {
                try administration.check(principal, may: .remove, membership.role, in: organization)
                return .done("would remove \(role.rawValue)")
            }
            try await administration.removeMember(userID, from: organization, by: principal)
            return .done("removed \(role.rawValue)")
        }
    }

    func custom(_ id: UUID, _ userID: UUID, dryRun: Bool, by principal: Principal) async throws -> BulkItemOutcome {
        let (role, acting) = try await customRoles.managed(id, by: principal)
        try await customRoles.checkPerson(userID, for: role, acting: acting)
        let holds = try await customRoles.roles.assignedRoles(userID: userID).contains { $0.id == id }
        switch action {
        case .assign:
            guard !holds else { return .skipped("already holds \(role.name)") }
            try customRoles.checkHeld(role.permissions, by: principal, acting: acting)
            if dryRun { return .done("would assign \(role.name)") }
            try await customRoles.assign(id, to: userID, by: principal)
            return .done("assigned \(role.name)")
        case .remove:
            guard holds else { return .skipped("does not hold \(role.name)") }
            if dryRun { return .done("would remove \(role.name)") }
            try await customRoles.unassign(id, from: userID, by: principal)
            return .done("removed \(role.name)")
        }
    }

    static func words(_ refusal: OrganizationAdministration.Refusal) -> String {
        switch refusal {
        case .notFound: "not a member of the organization"
        case .lastSuperAdmin: "the last super_admin"
        default: "not allowed"
        }
    }
}
