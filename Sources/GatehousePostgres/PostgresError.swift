/// Every failure this module reports: a server error (with its SQLSTATE, so stores can map
/// `23505` to "already exists"), a lost connection, or a value that does not decode as asked.
/// One type keeps `catch` sites simple; `sqlState` is nil for errors raised on this side.
public struct PostgresError: Error, CustomStringConvertible {
    public let sqlState: String?
    public let message: String

    /// `unique_violation`: an INSERT or UPDATE hit a unique index.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    init(sqlState: String? = nil, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        if let sqlState { return "PostgreSQL error \(sqlState): \(message)" }
        return "PostgreSQL: \(message)"
    }
}
