import Foundation

/// What one kind of bulk job does to each of its items. The registry (`BulkHandlers`) picks the
/// handler by `kind`; the user actions (`BulkUserActions`) are some, an import is another.
///
/// A handler applies an item through the Core service that does the same thing for one target
/// (so the rules, the audit events and the notices are that service's), and in a dry run only
/// asks the same rules and reports what it would do. It never trusts what was true when the job
/// was made: `principal` is the requester as the database has them now.
public protocol BulkItemHandler: Sendable {
    /// The kind whose items this handler applies.
    var kind: BulkJobKind { get }

    /// What its items act on, so which targets a job of its kind takes (default: `.payloads`,
    /// rows given whole).
    var targetKind: BulkTargetKind { get }

    /// Checks a new job before any item is stored: its parameters and whether the requester may
    /// ask for this kind at all. Returns the organization the job acts in (nil: none). Throws
    /// `BulkJobs.Refusal` (`.invalidParameters` with a fixed text saying which and why,
    /// `.notPermitted`, `.notFound`).
    func validate(_ parameters: [String: String], by principal: Principal) async throws -> UUID?

    /// Applies the item (in a dry run, only says what would happen). A refusal by the rules, a
    /// target that is gone or already in that state is `.skipped` with why; anything thrown is
    /// recorded as `.failed` without its text (which could carry internals).
    func apply(_ item: BulkItem, of job: BulkJob, by principal: Principal) async throws -> BulkItemOutcome
}

/// The handlers a deployment has, by kind: one registry the job service and the worker share,
/// so a job can only be made of a kind some handler applies.
public struct BulkHandlers: Sendable {
    let byKind: [BulkJobKind: any BulkItemHandler]

    /// Later handlers of a kind replace earlier ones.
    public init(_ handlers: [any BulkItemHandler]) {
        byKind = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { _, later in later })
    }

    public func handler(for kind: BulkJobKind) -> (any BulkItemHandler)? { byKind[kind] }

    /// Every kind, by name.
    public var kinds: [BulkJobKind] { byKind.keys.sorted() }

    /// These handlers and `others`.
    public func adding(_ others: [any BulkItemHandler]) -> BulkHandlers {
        BulkHandlers(Array(byKind.values) + others)
    }
}
