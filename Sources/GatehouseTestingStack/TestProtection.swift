import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import GatehouseRedis
import GatehouseWeb

/// How a `TestProvider` is protected against brute force: the production limits by default,
/// counters in a Redis namespace of its own (tests share one Redis, so counters must not leak
/// between them), and the lockouts in the shared PostgreSQL.
public struct TestProtection: Sendable {
    public var settings = ProtectionSettings()
    /// Router tests have no socket: set `peerOverride` (and trusted proxies) to give requests an address.
    public var clientAddresses = ClientAddressResolver()
    /// The counters' Redis key prefix. Two providers given the same one behave as two instances
    /// of one deployment.
    public var namespace = "gh:test-\(UUID().uuidString.lowercased()):limit:"
    /// The Redis key prefix of the provider's short-lived protocol state (pending requests and
    /// their budget, codes), beside the counters' but not under them: `forgetAttemptCounters`
    /// leaves it alone. Two providers with one namespace share it, like two instances.
    public var stateNamespace: String {
        (namespace.hasSuffix("limit:") ? String(namespace.dropLast("limit:".count)) : namespace) + "state:"
    }
    /// Another Redis for every short-lived store of this provider (e.g. a dead port, to see
    /// requests fail closed). The provider owns that pool: call `shutdown()` when done.
    public var redisURL: String?

    public init() {}

    /// Every limit off, for tests that hammer one flow on purpose.
    public static var unlimited: TestProtection {
        var protection = TestProtection()
        protection.settings = .unlimited
        return protection
    }

    func dependencies(redis: RedisPool, postgres: PostgresPool) -> ProtectionDependencies {
        ProtectionDependencies(settings: settings, counter: RedisAttemptCounter(pool: redis, prefix: namespace),
                               lockouts: PostgresLockoutStore(pool: postgres), clientAddresses: clientAddresses)
    }

    func redisPool() throws -> RedisPool? {
        try redisURL.map { try RedisPool(url: $0, maxConnections: 2, logger: TestServices.logger) }
    }
}

extension TestProvider {
    /// Deletes every attempt counter of this provider's namespace, as a Redis restart (FLUSHALL)
    /// would, without touching other tests' keys.
    public func forgetAttemptCounters() async throws {
        let redis = try TestServices.redis()
        var cursor = "0"
        repeat {
            let reply = try await redis.command(["SCAN", cursor, "MATCH", limiterNamespace + "*", "COUNT", "1000"])
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].text,
                  case .array(let keys) = parts[1] else { throw TestProtectionError("SCAN answered \(reply)") }
            let names = keys.compactMap(\.text)
            if !names.isEmpty { _ = try await redis.command(["DEL"] + names) }
            cursor = next
        } while cursor != "0"
    }

    /// Closes the Redis pool this provider opened for `TestProtection.redisURL`, if any.
    public func shutdown() async {
        await ownedRedis?.shutdown()
    }
}

struct TestProtectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
