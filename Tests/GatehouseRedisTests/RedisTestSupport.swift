import Foundation
import GatehouseRedis
import Logging

/// Connection details from `./dev test` and helpers that keep parallel tests apart (every key
/// carries a UUID and a TTL). Without the environment the tests fail, never skip.
enum RedisTestSupport {
    struct MissingEnvironment: Error, CustomStringConvertible {
        var description: String {
            "GATEHOUSE_TEST_REDIS_URL is not set. Run the tests with ./dev test, which starts a private PostgreSQL and Redis and sets it."
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "gatehouse.redis.tests")
        logger.logLevel = .warning
        return logger
    }

    static func redisURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_REDIS_URL"], !url.isEmpty else {
            throw MissingEnvironment()
        }
        return url
    }

    static func key(_ name: String) -> String {
        "test:\(name):\(UUID().uuidString)"
    }

    /// The test URL pointing at another database number.
    static func url(database: Int) throws -> String {
        let base = try redisURL()
        guard let slash = base.dropFirst("redis://".count).firstIndex(of: "/") else { return base + "/\(database)" }
        return base[..<slash] + "/\(database)"
    }

    /// A pool that is always shut down, whatever `body` does.
    static func withPool<T>(url: String? = nil, maxConnections: Int = 2, _ body: (RedisPool) async throws -> T) async throws -> T {
        let pool = try RedisPool(url: try url ?? redisURL(), maxConnections: maxConnections, logger: logger)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}
