import Foundation

/// Who administers which client (issue 11 item 5), asked by every route that reads or changes
/// one: a platform role, every client; a `client_admin`, the clients their organizations own.
/// Anyone else administers none. A client the caller may not administer is answered like one
/// that does not exist, so ids of other organizations' clients reveal nothing.
public enum ClientAccess {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// The caller administers clients, but not this one: as if it did not exist (404).
        case outside
        /// The caller administers no clients at all (403).
        case notPermitted
    }

    /// The organizations whose clients `principal` administers; nil: every client (a platform role).
    public static func owners(administeredBy principal: Principal) -> Set<UUID>? {
        if principal.roles.platformRole != nil { return nil }
        return Set(principal.roles.organizationRoles.filter { $0.value == .clientAdmin }.keys)
    }

    /// Whether `principal` may administer a client owned by `owner` (nil: a platform client).
    public static func decide(_ principal: Principal, owner: UUID?) -> Decision {
        guard let administered = owners(administeredBy: principal) else { return .allowed }
        guard !administered.isEmpty else { return .notPermitted }
        guard let owner, administered.contains(owner) else { return .outside }
        return .allowed
    }
}
