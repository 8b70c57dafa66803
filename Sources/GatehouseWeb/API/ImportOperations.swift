import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// `POST /api/v1/imports`: users or invitations from a file, as a bulk job of `ImportJobs` (the
/// console's too; its rows applied by `Imports.apply`, the CLI's service). The file comes one of
/// two ways:
///
/// - as the body itself, `Content-Type: text/csv` or `application/jsonl` (or
///   `application/x-ndjson`), with `kind`, `dry_run` and `source` in the query;
/// - as `application/json` `{"kind", "format", "data", "dry_run", "source"}`, `data` the file's text.
///
/// Order of refusals: the token (401/403), the body's type (415), its size (413: over 10 MB of
/// file), the fields (400), the file (422), who may import (403). The answer is the job (202);
/// `GET /api/v1/imports/{id}` follows it, with every row's result once the workers applied it.
struct ImportOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [APIOperation(method: .post, path: "/api/v1/imports", handler: create),
         APIOperation(method: .get, path: "/api/v1/imports/{id}", handler: get)]
    }

    /// The request read: kind, format, the file's bytes, dry run, source.
    struct Upload {
        var kind: ImportKind
        var format: ImportFormat
        var bytes: [UInt8]
        var dryRun: Bool
        var source: String
    }

    /// Starts the import as a bulk job (202): the workers apply its rows; `GET /api/v1/imports/{id}`
    /// follows it and lists every row's result.
    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let upload = try await read(call)
        let file = try ImportFile(kind: upload.kind, format: upload.format, bytes: upload.bytes)
        let job = try await Self.refusing { try await dependencies.importJobs.start(file, source: upload.source, dryRun: upload.dryRun, by: principal) }
        var response = Responses.api(APIRepresentation.ImportJobBody(job, results: nil, next: nil), status: .accepted)
        response.headers[.location] = "/api/v1/imports/" + job.id.uuidString.lowercased()
        return response
    }

    /// The import's job and a page of its rows' results, in file order.
    @Sendable func get(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let id = try call.id("id")
        let after = try call.query("after").map { text in
            guard let cursor = BulkItemCursor(text) else { throw APIInputError.invalidQuery("after") }
            return cursor
        }
        let limit = try call.limit(fallback: 100, maximum: BulkJobs.maximumPageSize - 1)
        let (job, items) = try await Self.refusing {
            let job = try await dependencies.importJobs.job(id, by: principal)
            return (job, try await dependencies.importJobs.items(of: id, after: after, limit: limit + 1, by: principal))
        }
        let page = Array(items.prefix(limit))
        let next = items.count > limit ? page.last.map { BulkItemCursor(afterOrdinal: $0.ordinal).text } : nil
        return Responses.api(APIRepresentation.ImportJobBody(job, results: page, next: next))
    }

    /// The engine's refusals as this operation's problems: 403 for who may not import, 404 for a
    /// job the caller does not see (or no import), 422 for a bad parameter.
    static func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as BulkJobs.Refusal {
            switch refusal {
            case .notAnAdministrator, .notPermitted: throw APIProblems.forbidden("your role does not allow importing this kind")
            case .notFound: throw APIProblems.notFound
            case .invalidParameters(let why): throw APIProblems.invalid(why)
            case .tooManyTargets: throw ImportFileError.tooManyRows(limit: BulkJobs.maximumItems)
            case .unknownKind, .targetsDoNotFitKind, .notOpen:
                throw APIProblems.invalid("the import could not be started")
            }
        }
    }

    func read(_ call: APIRequest) async throws -> Upload {
        let mediaType = call.request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch mediaType {
        case "text/csv", "application/jsonl", "application/x-ndjson":
            let kind = try Self.kind(try call.query("kind"))
            let dryRun = try Self.flag(try call.query("dry_run"), name: "dry_run")
            let bytes = try await Self.body(call.request, limit: ImportFile.maximumBytes)
            let source = try call.query("source") ?? UserImport.defaultSource
            guard UserImport.isSource(source) else { throw APIInputError.invalidQuery("source") }
            return Upload(kind: kind, format: mediaType == "text/csv" ? .csv : .jsonl, bytes: bytes, dryRun: dryRun, source: source)
        case "application/json":
            // One place for each parameter: the body's fields, not the query too.
            for name in ["kind", "dry_run", "source"] where try call.query(name) != nil { throw APIInputError.invalidQuery(name) }
            // The file's text inside JSON is at most twice as long (escapes), plus the other fields.
            let bytes = try await Self.body(call.request, limit: 2 * ImportFile.maximumBytes + 4096, fileLimit: ImportFile.maximumBytes)
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw APIInputError.malformedBody
            }
            let allowed: Set = ["kind", "format", "data", "dry_run", "source"]
            if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) { throw APIInputError.unknownField(unknown) }
            guard let kindText = object["kind"] as? String else { throw APIInputError.missingField("kind") }
            guard let formatText = object["format"] as? String else { throw APIInputError.missingField("format") }
            guard let data = object["data"] as? String else { throw APIInputError.missingField("data") }
            guard data.utf8.count <= ImportFile.maximumBytes else { throw ImportFileError.tooLarge(limit: ImportFile.maximumBytes) }
            let format: ImportFormat
            do {
                format = try ImportFile.format(named: formatText)
            } catch {
                throw APIInputError.invalidField("format")
            }
            var dryRun = false
            if let value = object["dry_run"] {
                guard let number = value as? NSNumber, type(of: number) == Self.booleanType else { throw APIInputError.invalidField("dry_run") }
                dryRun = number.boolValue
            }
            var source = UserImport.defaultSource
            if let value = object["source"] {
                guard let text = value as? String, UserImport.isSource(text) else { throw APIInputError.invalidField("source") }
                source = text
            }
            return Upload(kind: try Self.kind(kindText), format: format, bytes: Array(data.utf8), dryRun: dryRun, source: source)
        default:
            throw APIProblems.importMediaType
        }
    }

    private static let booleanType = type(of: NSNumber(value: true))

    static func kind(_ text: String?) throws -> ImportKind {
        guard let text else { throw APIInputError.missingField("kind") }
        guard let kind = ImportKind(rawValue: text) else { throw APIInputError.invalidField("kind") }
        return kind
    }

    static func flag(_ text: String?, name: String) throws -> Bool {
        switch text {
        case nil, "false": false
        case "true": true
        default: throw APIInputError.invalidQuery(name)
        }
    }

    /// The body's bytes; more than `limit` is the file's 413 (`fileLimit`: the file inside it).
    static func body(_ request: Request, limit: Int, fileLimit: Int? = nil) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ImportFileError.tooLarge(limit: fileLimit ?? limit)
        }
    }
}

extension APIRepresentation {
    /// An import's job: where it stands, and (reading it) a page of its rows' results.
    struct ImportJobBody: Encodable {
        let id: String
        let kind: String
        let status: String
        let dryRun: Bool
        let source: String?
        let total: Int
        let done: Int
        let skipped: Int
        let failed: Int
        let createdAt: String
        let finishedAt: String?
        let results: [Row]?
        let next: String?

        /// One row: its line in the file, how it ended (pending, running, done, skipped, failed), why.
        struct Row: Encodable {
            let line: Int
            let status: String
            let reason: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(line, forKey: .line)
                try container.encode(status, forKey: .status)
                try container.encode(reason, forKey: .reason)
            }

            enum CodingKeys: String, CodingKey { case line, status, reason }
        }

        init(_ job: BulkJob, results: [BulkItem]?, next: String?) {
            id = job.id.uuidString.lowercased()
            kind = ImportJobHandler.importKind(job.kind)?.rawValue ?? job.kind.rawValue
            status = job.status.rawValue
            dryRun = job.dryRun
            source = job.parameters["source"]
            total = job.counts.total
            done = job.counts.done
            skipped = job.counts.skipped
            failed = job.counts.failed
            createdAt = APIRepresentation.time(job.createdAt)
            finishedAt = job.finishedAt.map(APIRepresentation.time)
            self.results = results?.map { item in
                Row(line: item.payload["_line"].flatMap { Int($0) } ?? item.ordinal, status: item.status.rawValue, reason: item.reason)
            }
            self.next = next
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, status, dryRun = "dry_run", source, total, done, skipped, failed, createdAt = "created_at",
                 finishedAt = "finished_at", results, next
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(status, forKey: .status)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(source, forKey: .source)
            try container.encode(total, forKey: .total)
            try container.encode(done, forKey: .done)
            try container.encode(skipped, forKey: .skipped)
            try container.encode(failed, forKey: .failed)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(finishedAt, forKey: .finishedAt)
            if let results {
                try container.encode(results, forKey: .results)
                try container.encode(next, forKey: .next)
            }
        }
    }
}
