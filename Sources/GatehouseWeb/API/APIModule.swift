import Foundation
import GatehouseCore
import Hummingbird

/// The JSON API under `/api/v1` (issue 10 item 7): invitations, organizations, custom roles and
/// permissions through the same Core services the pages and the CLI call (`Invitations`,
/// `OrganizationAdministration`, `CustomRoles`), for a
/// caller authenticated by `APICaller` whose roles are read from the database on every call.
/// Every operation is one entry of `operations`, which `openapi.json` describes one for one
/// (a test holds the two together); every error is one problem (`APIProblems`).
struct APIModule: WebModule {
    struct Dependencies: Sendable {
        let caller: APICaller
        let administration: OrganizationAdministration
        let invitations: Invitations
        let customRoles: CustomRoles
        let clients: ClientAdministration
        /// The user directory (`/api/v1/users`, issue 11).
        let directory: UserDirectory
        let lifecycle: UserLifecycle
        let exporter: UserExporter
        let apiKeys: APIKeys
        /// The audit trail by filters (`/api/v1/audit-events`, issue 11 item 7).
        let auditTrail: AuditTrail
        /// Bulk jobs (`/api/v1/bulk-jobs`, issue 11 item 4).
        let bulkJobs: BulkJobs
        /// Users and invitations from a file (`/api/v1/imports`, issue 11 item 4).
        let importJobs: ImportJobs
        let issuer: String
        let clock: any Clock
        let document: OpenAPIDocument
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        for operation in Self.operations(dependencies) {
            routes.on(RouterPath(operation.routerPath), method: operation.method) { request, context in
                do {
                    return try await operation.handler(APIRequest(request: request, context: context))
                } catch {
                    return APIProblems.problem(for: error, logger: context.logger).response
                }
            }
        }
        return routes
    }

    static func operations(_ dependencies: Dependencies) -> [APIOperation] {
        [OpenAPIDocument.operation(dependencies.document)]
            + InvitationOperations(dependencies: dependencies).all
            + OrganizationOperations(dependencies: dependencies).all
            + RoleOperations(dependencies: dependencies).all
            + ClientOperations(dependencies: dependencies).all
            + UserOperations(dependencies: dependencies).all
            + UserLifecycleOperations(dependencies: dependencies).all
            + APIKeyOperations(dependencies: dependencies).all
            + AuditOperations(dependencies: dependencies).all
            + BulkJobOperations(dependencies: dependencies).all
            + ImportOperations(dependencies: dependencies).all
    }
}

/// One operation: its method and its path as OpenAPI writes it (`/api/v1/invitations/{id}`).
struct APIOperation: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let handler: @Sendable (APIRequest) async throws -> Response

    /// The path as the router writes it (`/api/v1/invitations/:id`).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }
}

/// What a handler reads of a request: path ids, query parameters, the JSON body.
struct APIRequest: Sendable {
    let request: Request
    let context: GatehouseRequestContext

    /// A path id: a UUID, else the same 404 as an unknown one.
    func id(_ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else { throw APIInputError.unknownID }
        return id
    }

    func parameter(_ name: String) -> String? { context.parameters.get(name) }

    /// A query parameter; given empty or more than once it is refused (the OAuth endpoints'
    /// "empty is absent" would make `?organization_id=` list everything).
    func query(_ name: String) throws -> String? {
        let values: [String]
        do {
            values = try FormBody.query(request).pairs.filter { $0.name == name }.map(\.value)
        } catch {
            throw APIInputError.invalidQuery(name)
        }
        guard let value = values.first else { return nil }
        guard values.count == 1, !value.isEmpty else { throw APIInputError.invalidQuery(name) }
        return value
    }

    /// `limit`: 1 to `maximum` (one less than a store's page: one more row is read to tell
    /// whether another page follows), `fallback` when absent.
    func limit(fallback: Int = 50, maximum: Int = OrganizationAdministration.maximumPageSize - 1) throws -> Int {
        guard let text = try query("limit") else { return fallback }
        guard text.utf8.count <= 4, let limit = Int(text), (1...maximum).contains(limit) else { throw APIInputError.invalidQuery("limit") }
        return limit
    }

    func body(allowing fields: Set<String>) async throws -> JSONInput {
        try await JSONInput.read(request, allowing: fields)
    }
}

extension Responses {
    static func api(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        json(value, status: status, noStore: true)
    }
}
