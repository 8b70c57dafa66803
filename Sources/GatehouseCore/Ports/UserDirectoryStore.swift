import Foundation

/// Finding users (issue 11 item 1): the directory's one query, indexed for a million users.
public protocol UserDirectoryStore: Sendable {
    /// The users within `scope` that `search` matches (its text, every filter), in its order,
    /// newest first then by id descending, strictly after or before its position (keyset, never
    /// OFFSET), at most `search.limit`, in ONE statement that an index answers. A page asked
    /// `.before` a position is returned in the order's direction too (the users just before it).
    /// Text of kind `.nothing` matches nobody.
    func search(_ search: UserSearch, scope: UserDirectoryScope) async throws -> [UserListing]
    /// One user as listed, nil when there is none (or they are outside `scope`).
    func listing(id: UUID, scope: UserDirectoryScope) async throws -> UserListing?
    /// The users of `ids` as listed that are within `scope`, in one statement, in no set order
    /// (a page of a bulk job's results names its users by these).
    func listings(ids: [UUID], scope: UserDirectoryScope) async throws -> [UserListing]
}

/// What the console's dashboard counts (issue 11 item 9), from PostgreSQL.
public struct DirectoryCounts: Sendable, Equatable {
    public var users: Int
    public var signInsLastDay: Int
    public var signInFailuresLastDay: Int
    public var activeSessions: Int
    public var pendingInvitations: Int
    public var lockouts: Int

    public init(users: Int, signInsLastDay: Int, signInFailuresLastDay: Int, activeSessions: Int, pendingInvitations: Int,
                lockouts: Int) {
        self.users = users
        self.signInsLastDay = signInsLastDay
        self.signInFailuresLastDay = signInFailuresLastDay
        self.activeSessions = activeSessions
        self.pendingInvitations = pendingInvitations
        self.lockouts = lockouts
    }
}

/// What the console reads besides the directory: the dashboard's counts and the audit trail
/// about one user (and, as an `AuditTrailReader`, by any filter).
public protocol AdministrationReader: AuditTrailReader {
    /// The dashboard's counts at `now` in one statement (the user count is the planner's
    /// estimate past 100,000 rows: counting a million rows exactly costs a scan per view).
    func counts(now: Date) async throws -> DirectoryCounts
    /// The newest `limit` audit events whose subject is the user, newest first.
    func auditEvents(subject: UUID, limit: Int) async throws -> [AuditRecord]
}
