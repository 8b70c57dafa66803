import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/permissions` and `/api/v1/roles`: define and delete permission strings; create, read,
/// rename, re-permission and delete custom roles (global, or an organization's); assign them to
/// users and take them away. The rules are `CustomRoles`'; another organization's role is 404,
/// exactly like an unknown id.
struct RoleOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .get, path: "/api/v1/permissions", handler: permissions),
            APIOperation(method: .post, path: "/api/v1/permissions", handler: definePermission),
            APIOperation(method: .delete, path: "/api/v1/permissions/{name}", handler: deletePermission),
            APIOperation(method: .get, path: "/api/v1/roles", handler: list),
            APIOperation(method: .post, path: "/api/v1/roles", handler: create),
            APIOperation(method: .get, path: "/api/v1/roles/{id}", handler: get),
            APIOperation(method: .patch, path: "/api/v1/roles/{id}", handler: update),
            APIOperation(method: .delete, path: "/api/v1/roles/{id}", handler: delete),
            APIOperation(method: .put, path: "/api/v1/roles/{id}/users/{user_id}", handler: assign),
            APIOperation(method: .delete, path: "/api/v1/roles/{id}/users/{user_id}", handler: unassign),
        ]
    }

    var roles: CustomRoles { dependencies.customRoles }

    static func noContent() -> Response { Response(status: .noContent, headers: [.cacheControl: "no-store"]) }

    @Sendable func permissions(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let all = try await roles.permissions(by: principal)
        return Responses.api(APIRepresentation.Page(items: all.map(APIRepresentation.PermissionBody.init), next: nil))
    }

    @Sendable func definePermission(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let body = try await call.body(allowing: ["name", "description"])
        let permission = try await roles.definePermission(try body.string("name"), description: try body.optionalString("description") ?? "",
                                                          by: principal)
        return Responses.api(APIRepresentation.PermissionBody(permission), status: .created)
    }

    @Sendable func deletePermission(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        try await roles.deletePermission(call.parameter("name") ?? "", by: principal)
        return Self.noContent()
    }

    /// `organization_id` names an organization's roles; without it, the global roles.
    @Sendable func list(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let organizationID = try call.query("organization_id").map { text in
            guard let id = UUID(uuidString: text) else { throw APIInputError.unknownID }
            return id
        }
        let found = try await roles.list(in: organizationID, by: principal)
        return Responses.api(APIRepresentation.Page(items: found.map(APIRepresentation.CustomRoleBody.init), next: nil))
    }

    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let body = try await call.body(allowing: ["name", "permissions", "organization_id"])
        let name = try body.string("name")
        let permissions = Set(try body.strings("permissions") ?? [])
        let organizationID = try body.optionalString("organization_id").map { text in
            guard let id = UUID(uuidString: text) else { throw APIInputError.invalidField("organization_id") }
            return id
        }
        let role = try await roles.createRole(named: name, permissions: permissions, in: organizationID, by: principal)
        return Responses.api(APIRepresentation.CustomRoleBody(role), status: .created)
    }

    @Sendable func get(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        return Responses.api(APIRepresentation.CustomRoleBody(try await roles.role(try call.id("id"), by: principal)))
    }

    @Sendable func update(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id")
        let body = try await call.body(allowing: ["name", "permissions"])
        let name = try body.optionalString("name")
        let permissions = try body.strings("permissions").map(Set.init)
        guard name != nil || permissions != nil else { throw APIInputError.missingField("name") }
        let role = try await roles.updateRole(id, name: name, permissions: permissions, by: principal)
        return Responses.api(APIRepresentation.CustomRoleBody(role))
    }

    /// `?force=true` deletes a role in use, unassigning it.
    @Sendable func delete(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id")
        let force: Bool
        switch try call.query("force") {
        case nil, "false": force = false
        case "true": force = true
        default: throw APIInputError.invalidQuery("force")
        }
        try await roles.deleteRole(id, force: force, by: principal)
        return Self.noContent()
    }

    @Sendable func assign(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        try await roles.assign(try call.id("id"), to: try call.id("user_id"), by: principal)
        return Self.noContent()
    }

    @Sendable func unassign(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        try await roles.unassign(try call.id("id"), from: try call.id("user_id"), by: principal)
        return Self.noContent()
    }
}
