/// What became of one row of an import: created, updated, or skipped and why. In a dry run the
/// same words say what would become of it; nothing was changed.
public struct ImportRowResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable {
        case created, updated, skipped
    }

    /// The row's line in the file.
    public var line: Int
    public var outcome: Outcome
    /// Whom the row is about, as the result list shows it (its email; nil when unreadable).
    public var subject: String?
    /// Why it was skipped, or what an update changed.
    public var reason: String?

    public init(line: Int, outcome: Outcome, subject: String? = nil, reason: String? = nil) {
        self.line = line
        self.outcome = outcome
        self.subject = subject
        self.reason = reason
    }

    static func skipped(_ line: Int, _ subject: String?, _ reason: String) -> ImportRowResult {
        ImportRowResult(line: line, outcome: .skipped, subject: subject, reason: reason)
    }
}

/// Every row's result, in file order, with the counts the page and the API show.
public struct ImportReport: Sendable, Equatable {
    public var kind: ImportKind
    public var dryRun: Bool
    public var results: [ImportRowResult]

    public init(kind: ImportKind, dryRun: Bool, results: [ImportRowResult]) {
        self.kind = kind
        self.dryRun = dryRun
        self.results = results
    }

    public func count(_ outcome: ImportRowResult.Outcome) -> Int { results.filter { $0.outcome == outcome }.count }
}
