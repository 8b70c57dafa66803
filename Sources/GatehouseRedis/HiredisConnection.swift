internal import CHiredis
import Foundation
import Logging

/// One hiredis context: connecting (with AUTH and SELECT), the checkout health check, and
/// sending commands singly or pipelined. Commands and replies are converted in
/// `HiredisConnection+Wire`.
///
/// Every call blocks, so it is only used on the pool's own threads, by one caller at a time (the
/// pool's lease makes `@unchecked Sendable` true). hiredis marks a context broken for good once
/// `err` is set, so a broken context is freed and replaced, never reused.
final class HiredisConnection: @unchecked Sendable {
    /// Applies to connecting and to every command (blocking commands included: keep them shorter).
    static let timeout = timeval(tv_sec: 2, tv_usec: 0)

    private let location: RedisLocation
    private let logger: Logger
    private var context: UnsafeMutablePointer<redisContext>?

    init(location: RedisLocation, logger: Logger) {
        self.location = location
        self.logger = logger
    }

    deinit { close() }

    /// The checkout health check. An idle connection has nothing to read: if its socket is
    /// readable, the server closed it (`CLIENT KILL`, restart, idle timeout) and it is replaced now,
    /// before a command is sent on it. A blind retry after the fact would not be safe, as
    /// `INCR` or a code-consuming script might run twice.
    func prepareForUse() throws {
        if let context, context.pointee.err == 0, !Self.hasPendingInput(context.pointee.fd) { return }
        if context != nil { logger.info("Redis connection is broken; reconnecting") }
        try connect()
    }

    /// Opens a new context, sets the timeouts, authenticates and selects the database.
    /// RESP2 only: HELLO 3 would get a reply hiredis 0.14 cannot parse.
    func connect() throws {
        close()
        let opened: UnsafeMutablePointer<redisContext>? = switch location.address {
        case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(port), Self.timeout)
        case .unix(let path): redisConnectUnixWithTimeout(path, Self.timeout)
        }
        guard let opened else { throw RedisError("could not connect to Redis at \(location.description): out of memory") }
        guard opened.pointee.err == 0 else {
            let reason = Self.errorString(opened)
            redisFree(opened)
            throw RedisError("could not connect to Redis at \(location.description): \(reason)")
        }
        context = opened
        _ = redisSetTimeout(opened, Self.timeout)
        if case .tcp = location.address { _ = redisEnableKeepAlive(opened) }
        do {
            if let password = location.password {
                let credentials = [location.username, password].compactMap { $0 }
                _ = try command((["AUTH"] + credentials).map { Array($0.utf8) })
            }
            if location.database != 0 {
                _ = try command(["SELECT", String(location.database)].map { Array($0.utf8) })
            }
        } catch let error as RedisError {
            close()
            throw RedisError("could not set up the Redis connection to \(location.description): \(error.message)")
        }
        logger.debug("connected to Redis")
    }

    func close() {
        if let context { redisFree(context) }
        context = nil
    }

    /// One command, one round trip.
    func command(_ arguments: [[UInt8]]) throws -> RedisReply {
        let context = try connectedContext()
        let reply = Self.withArgv(arguments) { argc, argv, lengths in redisCommandArgv(context, argc, argv, lengths) }
        return try takeReply(reply, context: context, command: Self.name(of: arguments))
    }

    /// Every command is written first, then every reply is read, in order. All replies are read
    /// even after an error reply, so the connection stays in step; then the first error is thrown.
    func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        let context = try connectedContext()
        for arguments in commands {
            let status = Self.withArgv(arguments) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard status == REDIS_OK else {
                close()
                throw RedisError("could not queue a pipelined command")
            }
        }
        var replies: [RedisReply] = []
        var firstError: RedisError?
        for (index, arguments) in commands.enumerated() {
            var reply: UnsafeMutableRawPointer?
            _ = redisGetReply(context, &reply)
            do {
                replies.append(try takeReply(reply, context: context, command: Self.name(of: arguments)))
            } catch let error as RedisError where reply != nil {
                firstError = firstError ?? RedisError("pipelined command \(index + 1) of \(commands.count): \(error.message)")
                replies.append(.null)
            }
        }
        if let firstError { throw firstError }
        return replies
    }

    private func connectedContext() throws -> UnsafeMutablePointer<redisContext> {
        guard let context, context.pointee.err == 0 else {
            throw RedisError("the Redis connection to \(location.description) was lost")
        }
        return context
    }

    /// Converts and frees a reply; a missing reply means the connection failed (`err` is set).
    private func takeReply(_ raw: UnsafeMutableRawPointer?, context: UnsafeMutablePointer<redisContext>,
                           command: String) throws -> RedisReply {
        guard let raw else {
            throw RedisError("\(command) failed, connection to \(location.description) lost: \(Self.errorString(context))")
        }
        defer { freeReplyObject(raw) }
        do {
            return try Self.decode(raw.assumingMemoryBound(to: redisReply.self))
        } catch let error as RedisError {
            throw RedisError("\(command): \(error.message)")
        }
    }

    static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { buffer in
            String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func hasPendingInput(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }
}
