/// A leased database session, handed to the closure given to `PostgresPool.withConnection` or
/// `transaction`, so several statements run on one session (and, in `transaction`, atomically).
///
/// It is valid only inside that closure, which runs on one of the pool's threads: it is not
/// Sendable, and using it after the closure returned throws instead of touching a connection that
/// may already belong to someone else.
public final class PostgresConnection {
    let connection: LibPQConnection
    private var isValid = true

    init(_ connection: LibPQConnection) {
        self.connection = connection
    }

    func invalidate() { isValid = false }

    /// One statement with `$1`, `$2`, ... parameters, prepared and cached on this connection.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
        try checkValid()
        return try connection.query(sql, parameters)
    }

    /// Several statements, no parameters, through the simple-query protocol: for migrations only.
    public func execute(script sql: String) throws {
        try checkValid()
        try connection.execute(script: sql)
    }

    private func checkValid() throws {
        guard isValid else {
            throw PostgresError(message: "a PostgresConnection was used after its closure returned")
        }
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}
