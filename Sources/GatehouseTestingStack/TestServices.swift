import Foundation
import GatehouseCrypto
import GatehousePostgres
import GatehouseRedis
import Logging

/// The real PostgreSQL and Redis that `./dev test` starts, shared by every test in the process.
/// A missing variable is a failure, never a skip: tests must run against the real services.
public enum TestServices {
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String { "\(variable) is not set: run the tests with ./dev test, which starts PostgreSQL and Redis" }
    }

    public static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(variable: name) }
        return value
    }

    public static var logger: Logger {
        var logger = Logger(label: "gatehouse-tests")
        logger.logLevel = .warning
        return logger
    }

    private static let sharedPostgres: Result<PostgresPool, any Error> = Result {
        PostgresPool(url: try variable("GATEHOUSE_TEST_DATABASE_URL"), maxConnections: 6, logger: logger)
    }

    private static let sharedRedis: Result<RedisPool, any Error> = Result {
        try RedisPool(url: try variable("GATEHOUSE_TEST_REDIS_URL"), maxConnections: 6, logger: logger)
    }

    public static func postgres() throws -> PostgresPool { try sharedPostgres.get() }
    public static func redis() throws -> RedisPool { try sharedRedis.get() }

    /// One signing key per test process (RSA key generation costs ~0.2 s).
    private static let sharedKey: Result<RSAKey, any Error> = Result { try RSAKey.generate(bits: 2048) }
    public static func signingKey() throws -> RSAKey { try sharedKey.get() }

    /// The repository's top level, for `templates/` and `migrations/`.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
