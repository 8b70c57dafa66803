import Foundation

/// Who may administer whom (issue 11): the one rule every console page, API route and CLI command
/// asks before acting on a user account (suspend, reactivate, deactivate, erase, export, and the
/// admin actions added later). Self-service on one's own account goes through `/account`, never
/// through this path.
///
/// The checks, in order:
/// 1. the actor must hold an administrating role at all (a platform role, or `client_admin` in
///    some organization), else `.notPermitted` — asked before the target is looked up, so a
///    plain user learns nothing about which ids exist;
/// 2. nobody acts on their own account here (`.ownAccount`: use `/account`);
/// 3. scope: a `client_admin` sees only users who are members of an organization where they are
///    `client_admin`; anyone else is `.outside` (answered like a missing user, 404);
/// 4. rank: the actor must outrank the target's highest role (`super_admin` › `site_admin` ›
///    `operator` › `client_admin` › `client_user`; a user with no role ranks below all). A
///    `client_admin` acts only on users all of whose roles are within organizations where the
///    actor is `client_admin`, and only on `client_user`s there. A `super_admin` may act on
///    another `super_admin` (nobody outranks them, and one gone rogue must be stoppable);
/// 5. the last active `super_admin` is never suspended, deactivated or erased (`.lastSuperAdmin`).
public enum UserAdministrationRules {
    public enum Action: String, CaseIterable, Sendable {
        case suspend, reactivate, deactivate, erase, export
        /// The console's support actions: a password reset link, resetting second factors,
        /// unlocking, signing out everywhere (`UserSupport`).
        case support

        /// Whether the action takes an active `super_admin` away (check 5).
        var removesAccess: Bool {
            switch self {
            case .suspend, .deactivate, .erase: true
            case .reactivate, .export, .support: false
            }
        }
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// The target is not the actor's to see: answered as a missing user (404).
        case outside
        /// The actor may see the target but not do this to them (403).
        case notPermitted
        /// The actor named their own account: self-service is `/account` (409).
        case ownAccount
        /// The target is the last active `super_admin` (409).
        case lastSuperAdmin
    }

    /// The account acted on, with every role it holds (read from the database for this call).
    public struct Target: Sendable, Equatable {
        public var userID: UUID
        public var platformRole: Role?
        /// The organizations the user is a member of, with the built-in role held in each.
        public var organizationRoles: [UUID: Role]
        /// How many `super_admin`s are active now (for check 5; only read when the target is one).
        public var activeSuperAdmins: Int

        public init(userID: UUID, platformRole: Role? = nil, organizationRoles: [UUID: Role] = [:], activeSuperAdmins: Int = 0) {
            self.userID = userID
            self.platformRole = platformRole
            self.organizationRoles = organizationRoles
            self.activeSuperAdmins = activeSuperAdmins
        }

        /// The highest role the user holds anywhere; nil for a user with none.
        public var highestRole: Role? { platformRole ?? organizationRoles.values.max() }
    }

    /// Check 1 alone: whether `actor` administers users at all (before any target is read).
    public static func administersUsers(_ actor: RoleRules.Actor) -> Bool {
        actor.platformRole != nil || actor.organizationRoles.values.contains(.clientAdmin)
    }

    /// Nil when `actor` may do `action` to `target`; otherwise why not.
    public static func refusal(_ actor: Principal, _ action: Action, _ target: Target) -> Refusal? {
        guard administersUsers(actor.roles) else { return .notPermitted }
        if actor.userID == target.userID { return .ownAccount }
        if let platform = actor.roles.platformRole {
            if let held = target.highestRole, !(platform > held || (platform == .superAdmin && held == .superAdmin)) {
                return .notPermitted
            }
        } else {
            let administered = Set(actor.roles.organizationRoles.filter { $0.value == .clientAdmin }.keys)
            guard !administered.isDisjoint(with: target.organizationRoles.keys) else { return .outside }
            let withinAdministered = target.platformRole == nil
                && target.organizationRoles.allSatisfy { administered.contains($0.key) && $0.value == .clientUser }
            guard withinAdministered else { return .notPermitted }
        }
        if action.removesAccess, target.platformRole == .superAdmin, target.activeSuperAdmins <= 1 { return .lastSuperAdmin }
        return nil
    }
}
