import GatehousePooling
import Foundation
public import Logging
import NIOPosix

/// The way every short-lived store reaches Redis: a bounded pool of hiredis connections.
///
/// hiredis calls block their thread for a round trip (up to the 2 s timeout when Redis is gone).
/// On Swift's cooperative pool, one thread per core, that would stall every request; so the pool
/// owns a `NIOThreadPool` with one thread per connection and runs all hiredis work there, while
/// callers only suspend. At most `maxConnections` connections exist and callers beyond that wait
/// their turn (`ConnectionLeases`). Connections open lazily and are health-checked at checkout;
/// a broken one is replaced, so the pool recovers from `CLIENT KILL` or a Redis restart.
public final class RedisPool: Sendable {
    private let threadPool: NIOThreadPool
    private let leases: ConnectionLeases<HiredisConnection>
    private let logger: Logger

    /// - Parameter url: `redis://[:password@]host:port[/db]` or `unix:///absolute/path.sock[?db=N]`.
    ///   `rediss://` is refused: hiredis 0.14 has no TLS (use loopback, a unix socket or stunnel).
    public init(url: String, maxConnections: Int, logger: Logger) throws {
        precondition(maxConnections > 0, "maxConnections must be at least 1")
        let location = try RedisLocation(url: url)
        ignoreSIGPIPE()
        var logger = logger
        logger[metadataKey: "redis"] = "\(location.description)"
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: maxConnections)
        threadPool.start()
        leases = ConnectionLeases(
            capacity: maxConnections,
            closedError: RedisError("the Redis pool is shut down")
        ) { [logger] in HiredisConnection(location: location, logger: logger) }
    }

    public func command(_ arguments: [String]) async throws -> RedisReply {
        try await command(bytes: arguments.map { Array($0.utf8) })
    }

    /// Binary-safe: every argument is sent with its length.
    public func command(bytes arguments: [[UInt8]]) async throws -> RedisReply {
        try Self.checkAllowed(arguments)
        return try await withConnection { try $0.command(arguments) }
    }

    /// Sends all commands, then reads all replies: one round trip. An error reply to any of them
    /// throws (after every reply was read, so the connection stays usable).
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        let encoded = commands.map { $0.map { Array($0.utf8) } }
        try encoded.forEach(Self.checkAllowed)
        guard !encoded.isEmpty else { return [] }
        return try await withConnection { try $0.pipeline(encoded) }
    }

    /// `PING` through the pool, for `/health/ready`.
    public func isReachable() async -> Bool {
        do {
            return try await command(["PING"]) == .status("PONG")
        } catch {
            logger.debug("Redis is not reachable", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Closes idle connections, fails waiting callers and stops the threads; connections still in
    /// use are closed when they come back. Safe to call twice.
    public func shutdown() async {
        guard let idle = leases.close() else { return }
        _ = try? await threadPool.runIfActive { idle.forEach { $0.close() } }
        try? await threadPool.shutdownGracefully()
    }

    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (HiredisConnection) throws -> T) async throws -> T {
        let connection = try await leases.acquire()
        defer {
            if leases.release(connection) { connection.close() }
        }
        return try await threadPool.runIfActive {
            try connection.prepareForUse()
            return try body(connection)
        }
    }

    /// Commands that would change a pooled connection's state for its next user are refused:
    /// HELLO (RESP3 replies break hiredis 0.14 for good) and SELECT (the database is the URL's).
    private static func checkAllowed(_ arguments: [[UInt8]]) throws {
        guard let name = arguments.first.map({ String(decoding: $0, as: UTF8.self).uppercased() }) else {
            throw RedisError("an empty command")
        }
        if name == "HELLO" || name == "SELECT" {
            throw RedisError("\(name) is not allowed through the pool: it would change the connection for its next user")
        }
    }
}

/// A write to a socket Redis closed raises SIGPIPE, which kills the process by default; with it
/// ignored the write fails with EPIPE and hiredis reports a lost connection instead.
private let ignoreSIGPIPEOnce: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

private func ignoreSIGPIPE() { ignoreSIGPIPEOnce }
