import Foundation

/// Imports as bulk jobs (issue 11 item 4): `import_user` and `import_invitation`, one item per
/// row of the file, each applied by `Imports.apply` — the same row semantics as
/// `gatehouse import` — under the engine's rules (the requester read from the database when the
/// row is applied, every row's outcome recorded once, a dry run that changes nothing).
///
/// An item's payload is the row's fields, plus `_line` (its line in the file) and, for a row
/// that could not be read, `_problem`. The job's parameter `source` names the users' provider.
public struct ImportJobHandler: BulkItemHandler {
    let imports: Imports
    let importKind: ImportKind

    public init(_ importKind: ImportKind, imports: Imports) {
        self.importKind = importKind
        self.imports = imports
    }

    public static let userKind = BulkJobKind("import_user")
    public static let invitationKind = BulkJobKind("import_invitation")

    /// Both import kinds, for the registry (`BulkHandlers.adding`).
    public static func all(_ imports: Imports) -> [any BulkItemHandler] {
        [ImportJobHandler(.users, imports: imports), ImportJobHandler(.invitations, imports: imports)]
    }

    public static func kind(_ importKind: ImportKind) -> BulkJobKind {
        importKind == .users ? userKind : invitationKind
    }

    /// The import kind of a job's kind; nil for a job that is no import.
    public static func importKind(_ kind: BulkJobKind) -> ImportKind? {
        switch kind {
        case userKind: .users
        case invitationKind: .invitations
        default: nil
        }
    }

    public var kind: BulkJobKind { Self.kind(importKind) }

    public func validate(_ parameters: [String: String], by principal: Principal) async throws -> UUID? {
        switch imports.refusal(importKind, source: parameters["source"] ?? UserImport.defaultSource, by: principal) {
        case .notPermitted?: throw BulkJobs.Refusal.notPermitted
        case .invalidSource?: throw BulkJobs.Refusal.invalidParameters("source must be 1 to 64 of a-z, 0-9, '-' and '_'")
        case nil: return nil
        }
    }

    public func apply(_ item: BulkItem, of job: BulkJob, by principal: Principal) async throws -> BulkItemOutcome {
        let row = Self.row(item)
        let source = job.parameters["source"] ?? UserImport.defaultSource
        // The requester's right to import at all, as they are now (a role taken away since).
        if imports.refusal(importKind, source: source, by: principal) != nil {
            return .skipped(Self.reason(ImportRowResult.skipped(row.line, nil, "You may no longer import this."), dryRun: job.dryRun))
        }
        let result = try await imports.apply(row, kind: importKind, source: source, dryRun: job.dryRun, by: principal)
        let reason = Self.reason(result, dryRun: job.dryRun)
        return result.outcome == .skipped ? .skipped(reason) : .done(reason)
    }

    /// A row as an item's payload.
    public static func payload(_ row: ImportFile.Row) -> [String: String] {
        var payload = row.fields
        payload["_line"] = String(row.line)
        if let problem = row.problem { payload["_problem"] = problem }
        return payload
    }

    /// An item's payload as the row it came from.
    static func row(_ item: BulkItem) -> ImportFile.Row {
        var fields = item.payload
        let line = fields.removeValue(forKey: "_line").flatMap { Int($0) } ?? item.ordinal
        let problem = fields.removeValue(forKey: "_problem")
        return ImportFile.Row(line: line, fields: fields, problem: problem)
    }

    /// What the job's item list shows: `line 3 · ada@example.com: created` (in a dry run "would
    /// create"), then the reason when there is one.
    public static func reason(_ result: ImportRowResult, dryRun: Bool) -> String {
        let verb: String = switch result.outcome {
        case .created: dryRun ? "would create" : "created"
        case .updated: dryRun ? "would update" : "updated"
        case .skipped: dryRun ? "would skip" : "skipped"
        }
        let who = result.subject.map { " · " + $0 } ?? ""
        return "line \(result.line)\(who): \(verb)" + (result.reason.map { ". " + $0 } ?? "")
    }
}
