import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/users/{id}`: suspend, reactivate, deactivate, erase (DELETE) and export a user, through
/// `UserLifecycle` (who may act on whom: `UserAdministrationRules`). A user the caller may not see
/// is 404, exactly like an unknown id.
struct UserLifecycleOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .post, path: "/api/v1/users/{id}/suspend", handler: suspend),
            APIOperation(method: .post, path: "/api/v1/users/{id}/reactivate", handler: reactivate),
            APIOperation(method: .post, path: "/api/v1/users/{id}/deactivate", handler: deactivate),
            APIOperation(method: .delete, path: "/api/v1/users/{id}", handler: erase),
            APIOperation(method: .get, path: "/api/v1/users/{id}/export", handler: export),
        ]
    }

    var lifecycle: UserLifecycle { dependencies.lifecycle }

    @Sendable func suspend(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        return Responses.api(APIRepresentation.UserStatusBody(try await lifecycle.suspend(userID: try call.id("id"), by: principal)))
    }

    @Sendable func reactivate(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        return Responses.api(APIRepresentation.UserStatusBody(try await lifecycle.reactivate(userID: try call.id("id"), by: principal)))
    }

    @Sendable func deactivate(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        return Responses.api(APIRepresentation.UserStatusBody(try await lifecycle.deactivate(userID: try call.id("id"), by: principal)))
    }

    @Sendable func erase(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        try await lifecycle.erase(userID: try call.id("id"), by: principal)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    @Sendable func export(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let document = try await lifecycle.export(userID: try call.id("id"), by: principal, exporter: dependencies.exporter)
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try document.json())))
    }
}

extension APIRepresentation {
    /// A user's id and status after a change of status.
    struct UserStatusBody: Encodable {
        let id: String
        let status: String

        init(_ user: User) {
            id = APIRepresentation.id(user.id)
            status = user.status.rawValue
        }
    }
}

extension APIProblems {
    static func problem(_ refusal: UserLifecycle.Refusal) -> APIProblem {
        switch refusal {
        case .notFound: notFound
        case .notPermitted: forbidden("your role does not allow this on that user")
        case .ownAccount: conflict("you cannot do this to your own account here; use /account")
        case .lastSuperAdmin: conflict("that would leave no active super_admin")
        case .status(let status): conflict("the user is \(status.rawValue)")
        }
    }
}
