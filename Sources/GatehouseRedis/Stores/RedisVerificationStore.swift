import Foundation
public import GatehouseCore

/// Emailed verification challenges in Redis: the challenge (digests only) under its ticket and
/// an attempt counter beside it, both expiring with the challenge.
public struct RedisVerificationStore: VerificationStore {
    let pool: RedisPool
    let prefix: String

    public init(pool: RedisPool, prefix: String = "gh:") {
        self.pool = pool
        self.prefix = prefix
    }

    public func save(_ challenge: VerificationChallenge, ticket: String, ttl: Duration) async throws {
        let milliseconds = String(RedisAuthorizationStateStore.milliseconds(ttl))
        _ = try await pool.pipeline([
            ["SET", prefix + "verify:" + ticket, String(decoding: try JSONEncoder().encode(challenge), as: UTF8.self), "PX", milliseconds],
            ["DEL", prefix + "verify-tries:" + ticket],
        ])
    }

    public func challenge(ticket: String) async throws -> VerificationChallenge? {
        guard case .string(let bytes) = try await pool.command(["GET", prefix + "verify:" + ticket]) else { return nil }
        return try? JSONDecoder().decode(VerificationChallenge.self, from: Data(bytes))
    }

    public func recordAttempt(ticket: String, ttl: Duration) async throws -> Int {
        let key = prefix + "verify-tries:" + ticket
        let replies = try await pool.pipeline([["INCR", key], ["PEXPIRE", key, String(RedisAuthorizationStateStore.milliseconds(ttl))]])
        guard case .integer(let count) = replies.first else { throw RedisError("INCR did not answer a number") }
        return count
    }

    public func delete(ticket: String) async throws {
        _ = try await pool.command(["DEL", prefix + "verify:" + ticket, prefix + "verify-tries:" + ticket])
    }

    public func allowOnce(key: String, per interval: Duration) async throws -> Bool {
        let reply = try await pool.command(["SET", prefix + "once:" + key, "1", "NX", "PX",
                                            String(RedisAuthorizationStateStore.milliseconds(interval))])
        return reply != .null
    }
}
