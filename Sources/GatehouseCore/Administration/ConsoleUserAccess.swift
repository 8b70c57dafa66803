import Foundation

/// Who may see which user in the console and the users API (issue 11 items 2 and 9), and — by
/// asking `UserAdministrationRules`, the one rule of who administers whom, which the lifecycle,
/// the API and the shell ask too — who may act on them with the console's support actions
/// (a password reset link, resetting second factors, unlocking, signing out everywhere).
///
/// - The console is for the platform roles and `client_admin`s; anyone else is refused it.
/// - A platform role sees everyone; a `client_admin` sees the members of the organizations they
///   administer, and nobody else exists for them (404).
/// - Acting: `UserAdministrationRules` (nobody on themselves; a platform role on users below it,
///   a `super_admin` on another one too; a `client_admin` on `client_user`s wholly within their
///   organizations).
public enum ConsoleUserAccess {
    public enum Refusal: Error, Equatable, Sendable {
        /// Not an administrator: the console is not for them (403).
        case notAnAdministrator
        /// The user is outside what the actor sees: answered as if there were none (404).
        case notVisible
        /// The actor sees the user but may not act on them (403).
        case notPermitted
        /// The actor's own account (403).
        case yourself
    }

    /// The part of the directory the actor sees; nil when the console is not for them.
    public static func scope(of actor: RoleRules.Actor) -> UserDirectoryScope? {
        if actor.platformRole != nil { return .everyone }
        let administered = Set(actor.organizationRoles.filter { $0.value == .clientAdmin }.keys)
        return administered.isEmpty ? nil : .members(of: administered)
    }

    /// What the target holds, as the rule needs it.
    public struct Target: Sendable, Equatable {
        public var userID: UUID
        public var platformRole: Role?
        /// The target's role per organization.
        public var organizationRoles: [UUID: Role]

        public init(userID: UUID, platformRole: Role?, organizationRoles: [UUID: Role]) {
            self.userID = userID
            self.platformRole = platformRole
            self.organizationRoles = organizationRoles
        }

        /// The highest role held anywhere; nil for a user without any.
        var highestRole: Role? { ([platformRole].compactMap { $0 } + organizationRoles.values).max() }
    }

    /// Nil when `actor` may see `target`; else why not.
    public static func visibilityRefusal(_ actor: Principal, _ target: Target) -> Refusal? {
        switch scope(of: actor.roles) {
        case nil: return .notAnAdministrator
        case .everyone: return nil
        case .members(let organizations):
            return organizations.isDisjoint(with: target.organizationRoles.keys) ? .notVisible : nil
        }
    }

    /// Nil when `actor` may act on `target` with a console action; else why not.
    public static func refusal(_ actor: Principal, actingOn target: Target) -> Refusal? {
        if let hidden = visibilityRefusal(actor, target) { return hidden }
        let held = UserAdministrationRules.Target(userID: target.userID, platformRole: target.platformRole,
                                                  organizationRoles: target.organizationRoles)
        switch UserAdministrationRules.refusal(actor, .support, held) {
        case nil: return nil
        case .ownAccount: return .yourself
        case .outside: return .notVisible
        case .notPermitted, .lastSuperAdmin: return .notPermitted
        }
    }
}
