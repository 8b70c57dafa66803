import Foundation

/// The user directory as the console, the users API and (later) the CLI use it: every search
/// and every look at one user goes through here, with the actor's roles read from the database
/// for the call (`Principals`), so a `client_admin`'s scope is forced into the query itself.
public struct UserDirectory: Sendable {
    let store: any UserDirectoryStore
    let memberships: any MembershipStore

    public init(store: any UserDirectoryStore, memberships: any MembershipStore) {
        self.store = store
        self.memberships = memberships
    }

    /// One page of a search, with the positions of the pages beside it.
    public struct Page: Sendable, Equatable {
        public init(users: [UserListing], next: UserPosition?, previous: UserPosition?) {
            self.users = users
            self.next = next
            self.previous = previous
        }

        public var users: [UserListing]
        /// The next page's position; nil on the last page.
        public var next: UserPosition?
        /// The previous page's position; nil on the first page.
        public var previous: UserPosition?
    }

    /// A page of the users `actor` may see that `search` matches. Throws
    /// `ConsoleUserAccess.Refusal.notAnAdministrator` for anyone the console is not for.
    public func search(_ search: UserSearch, by actor: Principal) async throws -> Page {
        guard let scope = ConsoleUserAccess.scope(of: actor.roles) else { throw ConsoleUserAccess.Refusal.notAnAdministrator }
        if case .nothing = search.text?.kind { return Page(users: [], next: nil, previous: nil) }
        var asked = search
        asked.limit = search.limit + 1
        let found = try await store.search(asked, scope: scope)
        let more = found.count > search.limit
        switch search.position?.direction {
        case .before:
            let users = Array(found.suffix(search.limit))
            return Page(users: users, next: users.last.map { UserPosition(.after, of: $0, in: search.order) },
                        previous: more ? users.first.map { UserPosition(.before, of: $0, in: search.order) } : nil)
        case .after, nil:
            let users = Array(found.prefix(search.limit))
            return Page(users: users, next: more ? users.last.map { UserPosition(.after, of: $0, in: search.order) } : nil,
                        previous: search.position == nil ? nil : users.first.map { UserPosition(.before, of: $0, in: search.order) })
        }
    }

    /// A user `actor` may see, with what they hold. Throws `ConsoleUserAccess.Refusal`
    /// (`.notVisible` also for an id nobody has: the two answer alike).
    public func user(_ id: UUID, by actor: Principal) async throws -> (listing: UserListing, holds: ConsoleUserAccess.Target) {
        guard let scope = ConsoleUserAccess.scope(of: actor.roles) else { throw ConsoleUserAccess.Refusal.notAnAdministrator }
        guard let listing = try await store.listing(id: id, scope: scope) else { throw ConsoleUserAccess.Refusal.notVisible }
        let held = try await memberships.memberships(userID: id)
        let target = ConsoleUserAccess.Target(userID: id, platformRole: listing.platformRole,
                                              organizationRoles: Dictionary(held.map { ($0.organizationID, $0.role) }, uniquingKeysWith: max))
        if let refusal = ConsoleUserAccess.visibilityRefusal(actor, target) { throw refusal }
        return (listing, target)
    }

    /// The users of `ids` that `actor` may see, by id (at most `BulkJobs.maximumPageSize` asked
    /// at once): a page naming many users by id shows these by address. Anyone else is left out,
    /// as `user(_:by:)` answers them as if there were none.
    public func listings(_ ids: [UUID], by actor: Principal) async throws -> [UUID: UserListing] {
        guard let scope = ConsoleUserAccess.scope(of: actor.roles) else { throw ConsoleUserAccess.Refusal.notAnAdministrator }
        let found = try await store.listings(ids: Array(Set(ids).prefix(BulkJobs.maximumPageSize)), scope: scope)
        return Dictionary(found.map { ($0.user.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A user `actor` may act on (a console action), or the refusal.
    public func userToActOn(_ id: UUID, by actor: Principal) async throws -> UserListing {
        let (listing, target) = try await user(id, by: actor)
        if let refusal = ConsoleUserAccess.refusal(actor, actingOn: target) { throw refusal }
        return listing
    }
}
