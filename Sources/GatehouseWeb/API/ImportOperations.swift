import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// `POST /api/v1/imports`: users or invitations from a file, through `Imports` (the console's
/// and the CLI's service). The file comes one of two ways:
///
/// - as the body itself, `Content-Type: text/csv` or `application/jsonl` (or
///   `application/x-ndjson`), with `kind`, `dry_run` and `source` in the query;
/// - as `application/json` `{"kind", "format", "data", "dry_run", "source"}`, `data` the file's text.
///
/// Order of refusals: the token (401/403), the body's type (415), its size (413: over 10 MB of
/// file), the fields (400), who may import (403), the file (422). The rows then run in order; the
/// answer is the finished import with every row's result.
struct ImportOperations {
    let dependencies: APIModule.Dependencies

    var all: [APIOperation] {
        [APIOperation(method: .post, path: "/api/v1/imports", handler: create)]
    }

    /// The request read: kind, format, the file's bytes, dry run, source.
    struct Upload {
        var kind: ImportKind
        var format: ImportFormat
        var bytes: [UInt8]
        var dryRun: Bool
        var source: String
    }

    @Sendable func create(_ call: APIRequest) async throws -> Response {
        let principal = try await dependencies.caller.principal(for: call.request)
        let upload = try await read(call)
        let file = try ImportFile(kind: upload.kind, format: upload.format, bytes: upload.bytes)
        let report = try await dependencies.imports.run(file, source: upload.source, dryRun: upload.dryRun, by: principal)
        return Responses.api(APIRepresentation.ImportBody(report, source: upload.kind == .users ? upload.source : nil))
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
    /// A finished import: counts and every row's result in file order.
    struct ImportBody: Encodable {
        let kind: String
        let status = "completed"
        let dryRun: Bool
        let source: String?
        let created: Int
        let updated: Int
        let skipped: Int
        let results: [Row]

        struct Row: Encodable {
            let line: Int
            let outcome: String
            let email: String?
            let reason: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(line, forKey: .line)
                try container.encode(outcome, forKey: .outcome)
                try container.encode(email, forKey: .email)
                try container.encode(reason, forKey: .reason)
            }

            enum CodingKeys: String, CodingKey { case line, outcome, email, reason }
        }

        init(_ report: ImportReport, source: String?) {
            kind = report.kind.rawValue
            dryRun = report.dryRun
            self.source = source
            created = report.count(.created)
            updated = report.count(.updated)
            skipped = report.count(.skipped)
            results = report.results.map { Row(line: $0.line, outcome: $0.outcome.rawValue, email: $0.subject, reason: $0.reason) }
        }

        enum CodingKeys: String, CodingKey {
            case kind, status, dryRun = "dry_run", source, created, updated, skipped, results
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(status, forKey: .status)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(source, forKey: .source)
            try container.encode(created, forKey: .created)
            try container.encode(updated, forKey: .updated)
            try container.encode(skipped, forKey: .skipped)
            try container.encode(results, forKey: .results)
        }
    }
}
