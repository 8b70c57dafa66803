import Foundation

/// Who may sign in as whom to reproduce a problem (issue 11 item 8), the one rule the console,
/// the pages of a support session and the token endpoint ask — with the actor's and the target's
/// roles and the target's status read from the database at the start and on every use.
///
/// - The actor holds `super_admin` or `site_admin`. An `operator` runs the day-to-day support
///   actions (unlock, a reset link) but does not get to see everything a user sees in every
///   application: acting as someone reads their data across all the clients they use, which is
///   the reach of the two roles that administer the whole platform. A `client_admin` never does.
/// - The target is someone else, is `active` (a suspended or deactivated account cannot sign in,
///   so nobody signs in as it; an erased one no longer exists), and holds no platform role and
///   `client_admin` nowhere: acting as another administrator would borrow their powers, so
///   support sign-in is for the people administrators serve, never for each other.
/// - `UserAdministrationRules` lets the actor act on the target (`.support`), so this rule can
///   never allow more than the console's other support actions.
/// - A reason is given: 3 to 500 characters of clean text (no control or formatting characters,
///   which could hide or reorder what the user and the audit trail are shown).
public enum SupportSignInRules {
    /// How long a support session lasts from its start; activity does not extend it.
    public static let lifetime: TimeInterval = 15 * 60
    /// The reason's length, in characters.
    public static let reasonLength = 3...500

    /// What a request on the user's own pages (`/account` and what hangs off it) does, as far as a
    /// support session is concerned.
    public enum SelfService: Sendable {
        /// Looking (the account page, the list of keys).
        case viewing
        /// Changing the name on the profile: reproducing a problem may need it, and it is no credential.
        case profile
        /// Everything else: the password, second factors and recovery codes, the email address,
        /// API keys, exporting or deleting the account, ending the user's other sessions or an
        /// app's access. Each either takes over the account (a credential the administrator would
        /// then know), reads it out whole, or cannot be undone by the user; the console has its
        /// own audited actions for what support legitimately needs (reset link, second factors,
        /// sign out everywhere, export). Anything not declared otherwise is this (default deny).
        case sensitive
    }

    /// Whether a support session may do `action` on the user's own pages.
    public static func permits(_ action: SelfService) -> Bool { action != .sensitive }

    public enum Refusal: Error, Equatable, Sendable {
        /// No such account (or an erased one): answered like a missing page (404).
        case notFound
        /// The actor's role does not include support sign-in (403).
        case notPermitted
        /// The actor named their own account (403).
        case ownAccount
        /// The target holds a platform role or administers an organization (403).
        case administrator
        /// The target's account is suspended or deactivated (409).
        case notActive
        /// The reason is missing, too short or too long, or holds control characters (400).
        case reason
    }

    /// The account acted as, as stored now.
    public struct Target: Sendable, Equatable {
        public var userID: UUID
        public var status: AccountStatus
        public var platformRole: Role?
        public var organizationRoles: [UUID: Role]

        public init(userID: UUID, status: AccountStatus, platformRole: Role? = nil, organizationRoles: [UUID: Role] = [:]) {
            self.userID = userID
            self.status = status
            self.platformRole = platformRole
            self.organizationRoles = organizationRoles
        }

        /// Holds a platform role, or `client_admin` in some organization.
        public var isAdministrator: Bool {
            platformRole != nil || organizationRoles.values.contains(.clientAdmin)
        }
    }

    /// The roles that may start a support session.
    public static func mayStart(_ actor: RoleRules.Actor) -> Bool {
        actor.platformRole == .superAdmin || actor.platformRole == .siteAdmin
    }

    /// Nil when `actor` may act as `target` (now, or still, on a later use); otherwise why not.
    public static func refusal(_ actor: Principal, _ target: Target) -> Refusal? {
        guard mayStart(actor.roles), actor.userID != nil else { return .notPermitted }
        if actor.userID == target.userID { return .ownAccount }
        if target.isAdministrator { return .administrator }
        let held = UserAdministrationRules.Target(userID: target.userID, platformRole: target.platformRole,
                                                  organizationRoles: target.organizationRoles)
        if UserAdministrationRules.refusal(actor, .support, held) != nil { return .notPermitted }
        if target.status != .active { return .notActive }
        return nil
    }

    /// The reason as stored: trimmed, within `reasonLength`, no control or format characters
    /// (Unicode Cc and Cf: newlines, bidi overrides, zero-width characters).
    public static func reason(_ text: String?) throws(Refusal) -> String {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard reasonLength.contains(trimmed.count) else { throw .reason }
        let hidden = trimmed.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
        }
        guard !hidden else { throw .reason }
        return trimmed
    }
}
