import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/organizations/{id}`: read it, change its name and second-factor policy, list its
/// members, change a member's role, remove a member. The rules are `OrganizationAdministration`'s;
/// an organization the caller has no role in is 404, exactly like an unknown id.
struct OrganizationOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .get, path: "/api/v1/organizations/{id}", handler: get),
            APIOperation(method: .patch, path: "/api/v1/organizations/{id}", handler: update),
            APIOperation(method: .get, path: "/api/v1/organizations/{id}/members", handler: members),
            APIOperation(method: .put, path: "/api/v1/organizations/{id}/members/{user_id}/role", handler: changeRole),
            APIOperation(method: .delete, path: "/api/v1/organizations/{id}/members/{user_id}", handler: removeMember),
        ]
    }

    var administration: OrganizationAdministration { dependencies.administration }

    @Sendable func get(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let organization = try await administration.organization(APIRepresentation.id(try call.id("id")), by: principal)
        return Responses.api(APIRepresentation.OrganizationBody(organization))
    }

    /// Either or both of `name` and `second_factor`; each is its own audited change.
    @Sendable func update(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id")
        let body = try await call.body(allowing: ["name", "second_factor"])
        let name = try body.optionalString("name")
        let policy = try body.object("second_factor", allowing: ["mode", "methods"]).map(Self.policy)
        guard name != nil || policy != nil else { throw APIInputError.missingField("name") }
        // Seen first: an organization of someone else answers 404 before its input is judged.
        var organization = try await administration.organization(APIRepresentation.id(id), by: principal)
        // Both judged before either is saved, so a refused policy leaves the name as it was too.
        if let name, OrganizationNames.displayName(name) == nil { throw OrganizationAdministration.Refusal.invalidName }
        if case .required(let methods)? = policy, methods.isEmpty { throw OrganizationAdministration.Refusal.invalidPolicy }
        if let name { organization = try await administration.rename(id, to: name, by: principal) }
        if let policy { organization = try await administration.setSecondFactorPolicy(id, to: policy, by: principal) }
        return Responses.api(APIRepresentation.OrganizationBody(organization))
    }

    static func policy(_ input: JSONInput) throws -> SecondFactorPolicy {
        let methods = try input.strings("methods")
        switch try input.string("mode") {
        case "off" where methods == nil || methods == []: return .off
        case "optional" where methods == nil || methods == []: return .optional
        case "required":
            let parsed = try (methods ?? []).map { text in
                guard let method = SecondFactorMethod(rawValue: text) else { throw APIInputError.invalidField("second_factor.methods") }
                return method
            }
            return .required(Set(parsed))
        default: throw APIInputError.invalidField("second_factor")
        }
    }

    @Sendable func members(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id")
        let cursor = try call.query("cursor").map { text in
            guard let cursor = CursorText.membership(text) else { throw APIInputError.invalidQuery("cursor") }
            return cursor
        }
        let limit = try call.limit()
        let found = try await administration.members(of: id, after: cursor, limit: limit + 1, by: principal)
        let page = found.prefix(limit)
        let next = found.count > limit ? page.last.map { CursorText.text(MembershipCursor(after: $0.membership)) } : nil
        return Responses.api(APIRepresentation.Page(items: page.map(APIRepresentation.MemberBody.init), next: next))
    }

    @Sendable func changeRole(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id"), userID = try call.id("user_id")
        let body = try await call.body(allowing: ["role"])
        guard let role = Role(rawValue: try body.string("role")) else { throw APIInputError.invalidField("role") }
        let membership = try await administration.changeMemberRole(of: userID, in: id, to: role, by: principal)
        return Responses.api(APIRepresentation.MembershipBody(membership))
    }

    @Sendable func removeMember(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        try await administration.removeMember(try call.id("user_id"), from: try call.id("id"), by: principal)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }
}
