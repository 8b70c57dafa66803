import Foundation

/// Who may see and act on which user in the console and the users API (issue 11 items 2 and 9):
/// the small rule of the reading half and its support actions (resend verification, password
/// reset link, reset second factors, unlock, sign out everywhere). The lifecycle's fuller
/// `UserAdministrationRules` (suspend, erase) supersedes it when the two are reconciled; until
/// then every console action asks `refusal` here, and nothing else.
///
/// - The console is for the platform roles and `client_admin`s; anyone else is refused it.
/// - A platform role sees everyone; a `client_admin` sees the members of the organizations they
///   administer, and nobody else exists for them (404).
/// - Nobody acts on themselves (their own account is on `/account`).
/// - A platform role acts on users whose highest role is below their own.
/// - A `client_admin` acts only on members of an organization they administer who hold no role
///   above `client_user` anywhere (no platform role, `client_admin` nowhere).
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
        if actor.userID == target.userID { return .yourself }
        if let platformRole = actor.roles.platformRole {
            guard let highest = target.highestRole else { return nil }
            return highest < platformRole ? nil : .notPermitted
        }
        // A client_admin (the scope above let only them through).
        guard target.platformRole == nil, !target.organizationRoles.values.contains(where: { $0 > .clientUser }) else {
            return .notPermitted
        }
        return nil
    }
}
