import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/users` (issue 11 items 1 and 10): the user directory as JSON — search, filters,
/// order and opaque keyset cursors — and one user. Core's `UserDirectory` forces a
/// `client_admin`'s scope into the query; a user outside it is 404, like an unknown id.
struct UserOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .get, path: "/api/v1/users", handler: list),
            APIOperation(method: .get, path: "/api/v1/users/{id}", handler: get),
        ]
    }

    @Sendable func list(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        var filters: [UserFilter] = []
        if let organization = try call.query("organization_id") {
            guard let id = UUID(uuidString: organization) else { throw APIInputError.invalidQuery("organization_id") }
            filters.append(.organization(id))
        }
        if let role = try call.query("role") {
            guard let role = Role(rawValue: role) else { throw APIInputError.invalidQuery("role") }
            filters.append(.role(role))
        }
        switch try call.query("second_factor") {
        case nil: break
        case "enrolled": filters.append(.secondFactor(enrolled: true))
        case "none": filters.append(.secondFactor(enrolled: false))
        default: throw APIInputError.invalidQuery("second_factor")
        }
        let order = try call.query("order").map { text in
            guard let order = UserOrder(rawValue: text) else { throw APIInputError.invalidQuery("order") }
            return order
        } ?? .created
        let position = try call.query("cursor").map { text in
            guard let position = UserPosition(cursor: text, order: order) else { throw APIInputError.invalidQuery("cursor") }
            return position
        }
        let text = try call.query("q").flatMap(UserSearchText.init)
        let limit = try call.limit(fallback: 20, maximum: UserSearch.maximumLimit)
        let page = try await dependencies.directory.search(
            UserSearch(text: text, filters: filters, order: order, position: position, limit: limit), by: principal)
        return Responses.api(APIRepresentation.UserPage(items: page.users.map { APIRepresentation.UserBody($0, memberships: nil) },
                                                        next: page.next?.cursor, previous: page.previous?.cursor))
    }

    @Sendable func get(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let (listing, holds) = try await dependencies.directory.user(try call.id("id"), by: principal)
        return Responses.api(APIRepresentation.UserBody(listing, memberships: holds.organizationRoles))
    }
}

extension APIRepresentation {
    struct UserBody: Encodable {
        let id: String
        let email: String
        let emailVerified: Bool
        let name: String?
        let createdAt: String
        let lastSignInAt: String?
        let secondFactor: Bool
        let platformRole: String?
        /// On `GET /users/{id}` only: the user's organizations and roles there.
        let memberships: [UserMembership]?

        init(_ listing: UserListing, memberships: [UUID: Role]?) {
            id = APIRepresentation.id(listing.user.id)
            email = listing.user.email
            emailVerified = listing.user.emailVerified
            name = listing.user.name
            createdAt = APIRepresentation.time(listing.user.createdAt)
            lastSignInAt = listing.lastSignInAt.map(APIRepresentation.time)
            secondFactor = listing.hasSecondFactor
            platformRole = listing.platformRole?.rawValue
            self.memberships = memberships.map { held in
                held.map { UserMembership(organizationID: APIRepresentation.id($0.key), role: $0.value.rawValue) }
                    .sorted { $0.organizationID < $1.organizationID }
            }
        }

        enum CodingKeys: String, CodingKey {
            case id, email, name, memberships
            case emailVerified = "email_verified", createdAt = "created_at", lastSignInAt = "last_sign_in_at",
                 secondFactor = "second_factor", platformRole = "platform_role"
        }
    }

    struct UserMembership: Encodable {
        let organizationID: String
        let role: String

        enum CodingKeys: String, CodingKey {
            case organizationID = "organization_id", role
        }
    }

    struct UserPage: Encodable {
        let items: [UserBody]
        let next: String?
        let previous: String?
    }
}
