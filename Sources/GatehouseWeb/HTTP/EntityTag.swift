import Hummingbird

/// Entity tags for the API's optimistic concurrency (RFC 9110 §8.8.3, §13.1.1): a resource's
/// revision travels as the strong tag `"<revision>"` in `ETag`, and a write names the one it
/// read in `If-Match`, so two administrators never overwrite each other silently.
enum EntityTag {
    static func header(_ revision: Int64) -> String { "\"\(revision)\"" }

    enum Condition: Equatable {
        /// `If-Match: *`: any current revision.
        case any
        /// The revisions named (strong tags only: a weak tag never matches, §13.1.1).
        case revisions([Int64])
    }

    /// The request's `If-Match`; nil when absent. A value that is not a list of entity tags is
    /// refused (400): a write must not go ahead on a condition nobody can read.
    static func ifMatch(_ request: Request) throws -> Condition? {
        let values = request.headers[values: .ifMatch]
        guard !values.isEmpty else { return nil }
        let text = values.joined(separator: ",")
        guard text.utf8.count <= 1024 else { throw APIInputError.invalidHeader("If-Match") }
        if text.trimmingCharacters(in: .whitespaces) == "*" { return .any }
        var revisions: [Int64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let tag = part.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/\"") && tag.hasSuffix("\"") && tag.count >= 4 { continue }
            guard tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") else { throw APIInputError.invalidHeader("If-Match") }
            let inner = tag.dropFirst().dropLast()
            guard !inner.contains("\"") else { throw APIInputError.invalidHeader("If-Match") }
            if let revision = Int64(inner), revision > 0 { revisions.append(revision) }
        }
        return .revisions(revisions)
    }

    /// The revision a write is based on, given the current one: the current one when the
    /// condition holds, else `APIProblems.preconditionFailed` (412); without `If-Match`,
    /// `APIProblems.preconditionRequired` (428, RFC 6585 §3).
    static func revision(for request: Request, current: Int64) throws -> Int64 {
        switch try ifMatch(request) {
        case nil: throw APIProblems.preconditionRequired
        case .any: return current
        case .revisions(let named) where named.contains(current): return current
        case .revisions: throw APIProblems.preconditionFailed
        }
    }
}
