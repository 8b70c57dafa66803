import Foundation

/// One page of the user directory to find (issue 11 item 1): what the text matches, which
/// filters narrow it, in which order, from where (keyset, never OFFSET), how many. The scope an
/// actor may see is not part of it: `UserDirectory` forces that from the actor's roles.
public struct UserSearch: Sendable, Equatable {
    public var text: UserSearchText?
    public var filters: [UserFilter]
    public var order: UserOrder
    /// Where the page starts: strictly after (or, for the previous page, before) this position.
    public var position: UserPosition?
    public var limit: Int

    /// The most users one page may ask for.
    public static let maximumLimit = 100

    public init(text: UserSearchText? = nil, filters: [UserFilter] = [], order: UserOrder = .created,
                position: UserPosition? = nil, limit: Int = 20) {
        self.text = text
        self.filters = filters
        self.order = order
        self.position = position
        self.limit = max(1, min(limit, Self.maximumLimit))
    }
}

/// A filter of the directory. One case per kind of filter, so a new one (the lifecycle's
/// `status`) is one case here and one condition in each store.
public enum UserFilter: Sendable, Equatable, Hashable {
    /// Members of the organization.
    case organization(UUID)
    /// Holders of the role: a platform role, or an organization role in any organization (in
    /// the organization of an `.organization` filter beside it, when there is one).
    case role(Role)
    /// Whether the user has a confirmed second factor.
    case secondFactor(enrolled: Bool)
}

/// The orders of the directory, newest first, then by id.
public enum UserOrder: String, Sendable, Equatable, CaseIterable {
    /// When the account was created.
    case created
    /// When the user last signed in; those who never did come last.
    case lastSignIn = "last_sign_in"
}

/// Which users the actor may see: everyone (a platform role), or the members of these
/// organizations (a `client_admin`), forced into the query rather than filtered afterwards.
public enum UserDirectoryScope: Sendable, Equatable {
    case everyone
    case members(of: Set<UUID>)
}

/// A place in one order: the sort key of a user and their id.
public struct UserPosition: Sendable, Equatable {
    public enum Direction: String, Sendable, Equatable {
        /// The next page: users strictly after the key.
        case after
        /// The previous page: users strictly before the key (returned in the page's order).
        case before
    }

    public var direction: Direction
    public var order: UserOrder
    /// `createdAt`, or the last sign-in (nil: never signed in).
    public var time: Date?
    public var id: UUID

    public init(_ direction: Direction, order: UserOrder, time: Date?, id: UUID) {
        self.direction = direction
        self.order = order
        self.time = time
        self.id = id
    }

    /// The position of a listed user in `order`.
    public init(_ direction: Direction, of listing: UserListing, in order: UserOrder) {
        self.init(direction, order: order, time: order == .created ? listing.user.createdAt : listing.lastSignInAt,
                  id: listing.user.id)
    }

    /// The cursor as it travels in URLs: opaque (base64url), never a SQL fragment. A cursor of
    /// another order is refused by `init(cursor:order:)`.
    public var cursor: String {
        let micros = time.map(CursorTime.text) ?? "never"
        let text = [direction == .after ? "a" : "b", order.rawValue, micros, id.uuidString.lowercased()].joined(separator: "|")
        return Base64URL.encode(Array(text.utf8))
    }

    /// Reads a cursor for `order`; nil when it is not one (a first page follows).
    public init?(cursor: String, order: UserOrder) {
        guard cursor.utf8.count <= 200, let bytes = Base64URL.decode(cursor),
              let text = String(bytes: bytes, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[1] == order.rawValue, let id = UUID(uuidString: parts[3]) else { return nil }
        let direction: Direction
        switch parts[0] {
        case "a": direction = .after
        case "b": direction = .before
        default: return nil
        }
        var time: Date?
        if parts[2] != "never" {
            guard let read = CursorTime.date(parts[2]) else { return nil }
            time = read
        } else if order == .created {
            return nil
        }
        self.init(direction, order: order, time: time, id: id)
    }
}

/// A user as the directory lists them: the account, when they last signed in, whether they have
/// a second factor, and their platform role.
public struct UserListing: Sendable, Equatable {
    public var user: User
    public var lastSignInAt: Date?
    public var hasSecondFactor: Bool
    public var platformRole: Role?

    public init(user: User, lastSignInAt: Date?, hasSecondFactor: Bool, platformRole: Role?) {
        self.user = user
        self.lastSignInAt = lastSignInAt
        self.hasSecondFactor = hasSecondFactor
        self.platformRole = platformRole
    }
}
