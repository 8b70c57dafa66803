import Foundation
import GatehouseCore
import Hummingbird

/// `/api/v1/bulk-jobs` (issue 11 items 4 and 10): make a bulk job (users by ids or by the
/// directory's filters, or invitations by ids; a dry run first if you like), read its counts and
/// its items (keyset by ordinal), cancel it. Through Core's `BulkJobs`, the service the console
/// and the shell use; the workers check every item against the caller's rights as they are when
/// it is applied. A job the caller may not see is 404, like an unknown id.
struct BulkJobOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [
            APIOperation(method: .post, path: "/api/v1/bulk-jobs", handler: create),
            APIOperation(method: .get, path: "/api/v1/bulk-jobs/{id}", handler: get),
            APIOperation(method: .get, path: "/api/v1/bulk-jobs/{id}/items", handler: items),
            APIOperation(method: .post, path: "/api/v1/bulk-jobs/{id}/cancel", handler: cancel),
        ]
    }

    var jobs: BulkJobs { dependencies.bulkJobs }

    /// 100,000 ids of 38 bytes and some room.
    static let bodyLimit = 4 * 1024 * 1024

    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let body = try await JSONInput.read(call.request, allowing: ["kind", "user_ids", "invitation_ids", "filter", "parameters", "dry_run"],
                                            limit: Self.bodyLimit)
        guard let kind = BulkJobKind(rawValue: try body.string("kind")) else { throw APIInputError.invalidField("kind") }
        let chosen = ["user_ids", "invitation_ids", "filter"].filter(body.has)
        guard chosen.count == 1 else {
            throw APIProblems.badRequest("give exactly one of user_ids, invitation_ids and filter")
        }
        let targets: BulkTargets
        switch chosen[0] {
        case "user_ids": targets = .users(try Self.ids(body, "user_ids"))
        case "invitation_ids": targets = .invitations(try Self.ids(body, "invitation_ids"))
        default: targets = .matching(try Self.search(try body.object("filter", allowing: ["q", "organization_id", "role", "second_factor"])!))
        }
        var parameters: [String: String] = [:]
        if let given = try body.object("parameters", allowing: ["organization_id", "role", "custom_role_id"]) {
            // Each as the document says, whatever the kind (a kind reads only its own).
            for name in ["organization_id", "custom_role_id"] {
                guard let value = try given.optionalString(name) else { continue }
                guard UUID(uuidString: value) != nil else { throw APIInputError.invalidField("parameters." + name) }
                parameters[name] = value
            }
            if let role = try given.optionalString("role") {
                guard let read = Role(rawValue: role), !read.isPlatformRole else { throw APIInputError.invalidField("parameters.role") }
                parameters["role"] = role
            }
        }
        let job = try await jobs.create(kind: kind, targets: targets, parameters: parameters, dryRun: try body.optionalBool("dry_run") ?? false,
                                        by: principal)
        var response = Responses.api(APIRepresentation.BulkJobBody(job), status: .accepted)
        response.headers[.location] = "/api/v1/bulk-jobs/\(APIRepresentation.id(job.id))"
        return response
    }

    @Sendable func get(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        return Responses.api(APIRepresentation.BulkJobBody(try await jobs.job(try call.id("id"), by: principal)))
    }

    @Sendable func items(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let status = try call.query("status").map { text in
            guard let status = BulkItemStatus(rawValue: text) else { throw APIInputError.invalidQuery("status") }
            return status
        }
        let after = try call.query("cursor").map { text in
            guard let cursor = BulkItemCursor(text) else { throw APIInputError.invalidQuery("cursor") }
            return cursor
        }
        let limit = try call.limit(fallback: 50, maximum: BulkJobs.maximumPageSize - 1)
        let page = try await jobs.items(of: try call.id("id"), status: status, after: after, limit: limit + 1, by: principal)
        let shown = Array(page.prefix(limit))
        let next = page.count > limit ? shown.last.map { BulkItemCursor(afterOrdinal: $0.ordinal).text } : nil
        return Responses.api(APIRepresentation.BulkItemPage(items: shown.map(APIRepresentation.BulkItemBody.init), next: next))
    }

    @Sendable func cancel(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        return Responses.api(APIRepresentation.BulkJobBody(try await jobs.cancel(try call.id("id"), by: principal)))
    }

    static func ids(_ body: JSONInput, _ field: String) throws -> [UUID] {
        guard let texts = try body.strings(field), !texts.isEmpty, texts.count <= BulkJobs.maximumItems else {
            throw APIInputError.invalidField(field)
        }
        return try texts.map { text in
            guard let id = UUID(uuidString: text) else { throw APIInputError.invalidField(field) }
            return id
        }
    }

    /// The directory's filters, as `GET /api/v1/users` reads them from its query.
    static func search(_ filter: JSONInput) throws -> UserSearch {
        var filters: [UserFilter] = []
        if let organization = try filter.optionalString("organization_id") {
            guard let id = UUID(uuidString: organization) else { throw APIInputError.invalidField("filter.organization_id") }
            filters.append(.organization(id))
        }
        if let role = try filter.optionalString("role") {
            guard let role = Role(rawValue: role) else { throw APIInputError.invalidField("filter.role") }
            filters.append(.role(role))
        }
        switch try filter.optionalString("second_factor") {
        case nil: break
        case "enrolled": filters.append(.secondFactor(enrolled: true))
        case "none": filters.append(.secondFactor(enrolled: false))
        default: throw APIInputError.invalidField("filter.second_factor")
        }
        var text: UserSearchText?
        if let q = try filter.optionalString("q") {
            // Text that reads as no search would widen the job to everyone: refused instead.
            guard let read = UserSearchText(q) else { throw APIInputError.invalidField("filter.q") }
            text = read
        }
        return UserSearch(text: text, filters: filters)
    }
}

extension APIRepresentation {
    struct BulkJobBody: Encodable {
        let id: String
        let kind: String
        let status: String
        let dryRun: Bool
        let organizationId: String?
        let parameters: [String: String]
        let counts: Counts
        let createdAt: String
        let updatedAt: String
        let finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, status, parameters, counts
            case dryRun = "dry_run", organizationId = "organization_id", createdAt = "created_at", updatedAt = "updated_at",
                 finishedAt = "finished_at"
        }

        struct Counts: Encodable {
            let total: Int
            let done: Int
            let skipped: Int
            let failed: Int
        }

        init(_ job: BulkJob) {
            id = APIRepresentation.id(job.id)
            kind = job.kind.rawValue
            status = job.status.rawValue
            dryRun = job.dryRun
            organizationId = job.organizationID.map(APIRepresentation.id)
            parameters = job.parameters
            counts = Counts(total: job.counts.total, done: job.counts.done, skipped: job.counts.skipped, failed: job.counts.failed)
            createdAt = APIRepresentation.time(job.createdAt)
            updatedAt = APIRepresentation.time(job.updatedAt)
            finishedAt = job.finishedAt.map(APIRepresentation.time)
        }
    }

    struct BulkItemBody: Encodable {
        let ordinal: Int
        let target: [String: String]
        let status: String
        let reason: String?
        let processedAt: String?

        enum CodingKeys: String, CodingKey {
            case ordinal, target, status, reason
            case processedAt = "processed_at"
        }

        init(_ item: BulkItem) {
            ordinal = item.ordinal
            target = item.payload
            status = item.status.rawValue
            reason = item.reason
            processedAt = item.processedAt.map(APIRepresentation.time)
        }
    }

    struct BulkItemPage: Encodable {
        let items: [BulkItemBody]
        let next: String?
    }
}

extension APIProblems {
    static func problem(_ refusal: BulkJobs.Refusal) -> APIProblem {
        switch refusal {
        case .notAnAdministrator: forbidden("bulk jobs are for administrators")
        case .unknownKind: invalid("kind must be one of suspend_user, reactivate_user, delete_user, assign_role, remove_role, resend_invitation")
        case .targetsDoNotFitKind: invalid("that kind takes user_ids or filter; resend_invitation takes invitation_ids")
        case .invalidParameters(let why): invalid(why)
        case .tooManyTargets: invalid("a job has at most \(BulkJobs.maximumItems) targets")
        case .notFound: notFound
        case .notPermitted: forbidden("your role does not allow this")
        case .notOpen(let status): conflict("the job is \(status.rawValue)")
        }
    }
}
