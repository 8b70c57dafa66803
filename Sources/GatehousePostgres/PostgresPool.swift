internal import CLibPQ
public import Logging
import GatehousePooling
import NIOPosix

/// The way every store reaches PostgreSQL: a bounded pool of libpq connections.
///
/// libpq calls block their thread for a whole network round trip. Run on Swift's cooperative
/// pool (one thread per core) a few slow queries would stall every request, and on a NIO event
/// loop they would stall its sockets. So the pool owns a `NIOThreadPool` with one thread per
/// connection, and all libpq work runs there; callers only ever suspend. At most
/// `maxConnections` connections exist; callers beyond that wait their turn (see
/// `ConnectionLeases`). Connections open lazily, are health-checked at checkout and replaced when
/// broken, so the pool rides out a PostgreSQL restart.
public final class PostgresPool: Sendable {
    private let threadPool: NIOThreadPool
    private let leases: ConnectionLeases<LibPQConnection>
    private let logger: Logger

    /// - Parameter url: a libpq conninfo (`host=... dbname=...`) or URI (`postgresql://...`);
    ///   it is handed to libpq as is and never logged with its password.
    public init(url: String, maxConnections: Int, logger: Logger) {
        precondition(maxConnections > 0, "maxConnections must be at least 1")
        var logger = logger
        logger[metadataKey: "postgres"] = "\(ConnectionStringRedaction.redact(url))"
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: maxConnections)
        threadPool.start()
        leases = ConnectionLeases(
            capacity: maxConnections,
            closedError: PostgresError(message: "the PostgreSQL pool is shut down")
        ) { [logger] in LibPQConnection(url: url, logger: logger) }
    }

    /// One statement on any connection (retried once on a new connection if the old one died).
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> PostgresResult {
        try await withConnection { try $0.query(sql, parameters) }
    }

    /// Runs `body` on the pool's thread with one connection leased for its whole duration.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let connection = try await leases.acquire()
        defer {
            if leases.release(connection) { connection.close() }
        }
        return try await threadPool.runIfActive {
            try connection.prepareForUse()
            let handle = PostgresConnection(connection)
            defer { handle.invalidate() }
            return try body(handle)
        }
    }

    /// BEGIN; body; COMMIT. If `body` throws, ROLLBACK and rethrow. A body that swallowed a
    /// statement error leaves the transaction aborted: that is rolled back and reported, never
    /// mistaken for a commit.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withConnection { handle in
            let connection = handle.connection
            _ = try connection.query("BEGIN", [])
            let result: T
            do {
                result = try body(handle)
            } catch {
                try? connection.simpleCommand("ROLLBACK")
                throw error
            }
            if connection.transactionStatus == PQTRANS_INERROR {
                try? connection.simpleCommand("ROLLBACK")
                throw PostgresError(message: "the transaction was aborted by an earlier error and has been rolled back")
            }
            try connection.simpleCommand("COMMIT")
            return result
        }
    }

    /// `SELECT 1` through the pool, for `/health/ready`.
    public func isReachable() async -> Bool {
        do {
            _ = try await query("SELECT 1")
            return true
        } catch {
            logger.debug("PostgreSQL is not reachable", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Closes idle connections, fails waiting callers and stops the threads. Connections still
    /// in use are closed when they come back. Call it once the server stops; safe to call twice.
    public func shutdown() async {
        guard let idle = leases.close() else { return }
        _ = try? await threadPool.runIfActive { idle.forEach { $0.close() } }
        try? await threadPool.shutdownGracefully()
    }
}
