import Foundation
import GatehouseCore

/// `UserDirectoryStore` over the twins of one `InMemoryStores`, as `PostgresUserDirectoryStore`
/// behaves (`UserDirectoryConformance` holds both to it): the same text rule
/// (`UserSearchText.matches`), filters, scope, orders and keyset positions, by reading every user.
public struct InMemoryUserDirectoryStore: UserDirectoryStore {
    let users: InMemoryUserStore
    let memberships: InMemoryMembershipStore
    let credentials: InMemoryMFACredentialStore
    let sessions: InMemorySessionStore

    public init(users: InMemoryUserStore, memberships: InMemoryMembershipStore, credentials: InMemoryMFACredentialStore,
                sessions: InMemorySessionStore) {
        self.users = users
        self.memberships = memberships
        self.credentials = credentials
        self.sessions = sessions
    }

    /// Everything the rules read, at one moment.
    struct Snapshot {
        var listings: [UserListing]
        var memberships: [Membership]
    }

    func snapshot() async -> Snapshot {
        let all = await users.users
        let platform = await memberships.platformRoles
        let members = Array(await memberships.members.values)
        let confirmed = Set(await credentials.rows.filter { $0.confirmedAt != nil }.map(\.userID))
        let lastSignIn = await sessions.rows.values.reduce(into: [UUID: Date]()) { latest, row in
            latest[row.session.userID] = max(latest[row.session.userID] ?? .distantPast, row.session.createdAt)
        }
        let listings = all.values.map {
            UserListing(user: $0, lastSignInAt: lastSignIn[$0.id], hasSecondFactor: confirmed.contains($0.id), platformRole: platform[$0.id])
        }
        return Snapshot(listings: listings, memberships: members)
    }

    public func search(_ search: UserSearch, scope: UserDirectoryScope) async throws -> [UserListing] {
        let snapshot = await snapshot()
        let organization = search.filters.lazy.compactMap { if case .organization(let id) = $0 { id } else { nil } }.first
        let found = snapshot.listings.filter { listing in
            let held = snapshot.memberships.filter { $0.userID == listing.user.id }
            guard Self.inScope(held, scope) else { return false }
            switch search.text?.kind {
            case .id(let id)?: if listing.user.id != id { return false }
            case .contains?, .prefix?: if !(search.text!.matches(listing.user.email) || search.text!.matches(listing.user.name)) { return false }
            case .nothing?: return false
            case nil: break
            }
            return search.filters.allSatisfy { filter in
                switch filter {
                case .organization(let id): held.contains { $0.organizationID == id }
                case .role(let role) where role.isPlatformRole: listing.platformRole == role
                case .role(let role): held.contains { $0.role == role && (organization == nil || $0.organizationID == organization) }
                case .secondFactor(let enrolled): listing.hasSecondFactor == enrolled
                }
            }
        }
        let key = { (listing: UserListing) -> (Date, UUID) in
            (search.order == .created ? listing.user.createdAt : listing.lastSignInAt ?? .distantPast, listing.user.id)
        }
        var sorted = found.sorted { Self.precedes(key($1), key($0)) }  // newest first
        if let position = search.position {
            let mark = (position.time ?? .distantPast, position.id)
            switch position.direction {
            case .after: sorted = sorted.filter { Self.precedes(key($0), mark) }
            case .before: sorted = Array(sorted.filter { Self.precedes(mark, key($0)) }.suffix(search.limit))
            }
        }
        return Array(sorted.prefix(search.limit))
    }

    public func listing(id: UUID, scope: UserDirectoryScope) async throws -> UserListing? {
        let snapshot = await snapshot()
        guard let listing = snapshot.listings.first(where: { $0.user.id == id }),
              Self.inScope(snapshot.memberships.filter { $0.userID == id }, scope) else { return nil }
        return listing
    }

    public func listings(ids: [UUID], scope: UserDirectoryScope) async throws -> [UserListing] {
        let snapshot = await snapshot(), wanted = Set(ids)
        return snapshot.listings.filter { listing in
            wanted.contains(listing.user.id) && Self.inScope(snapshot.memberships.filter { $0.userID == listing.user.id }, scope)
        }
    }

    static func inScope(_ held: [Membership], _ scope: UserDirectoryScope) -> Bool {
        switch scope {
        case .everyone: true
        case .members(let organizations): held.contains { organizations.contains($0.organizationID) }
        }
    }

    /// (time, id) order as PostgreSQL compares the row values (uuid bytes in order).
    static func precedes(_ a: (Date, UUID), _ b: (Date, UUID)) -> Bool {
        if a.0 != b.0 { return a.0 < b.0 }
        return a.1.uuidString.lowercased() < b.1.uuidString.lowercased()
    }
}
