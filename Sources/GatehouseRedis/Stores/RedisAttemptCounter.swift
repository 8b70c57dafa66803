import Foundation
public import GatehouseCore

/// The attempt counters in Redis: one hash per key (`n` attempts in the window that began at
/// `start`, and `until`, the end of a block), read and written by one Lua script per operation,
/// so counting and deciding is a single atomic step however many instances share the Redis.
///
/// Times are the caller's clock in milliseconds (ARGV), never Redis's: every instance and the
/// tests' movable clock agree on windows and blocks. The key's TTL follows the window or the
/// block and only collects garbage.
public struct RedisAttemptCounter: AttemptCounter {
    let pool: RedisPool
    let prefix: String

    /// - Parameter prefix: namespace of the counter keys (tests give each provider its own).
    public init(pool: RedisPool, prefix: String = "gh:limit:") {
        self.pool = pool
        self.prefix = prefix
    }

    public func reserve(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount {
        try await evaluate(Self.reserveScript, key: key, policy: policy, now: now, counting: true)
    }

    public func peek(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount {
        try await evaluate(Self.reserveScript, key: key, policy: policy, now: now, counting: false)
    }

    public func release(key: String, policy: LimitPolicy, now: Date) async throws {
        let window = max(1, Int((policy.window.timeInterval * 1000).rounded(.up)))
        _ = try await pool.command(["EVAL", Self.releaseScript, "1", prefix + key, String(Self.milliseconds(now)), String(window)])
    }

    public func block(key: String, until: Date, now: Date) async throws {
        _ = try await pool.command(["EVAL", Self.blockScript, "1", prefix + key,
                                    String(Self.milliseconds(now)), String(Self.milliseconds(until))])
    }

    public func reset(key: String, now: Date) async throws {
        _ = try await pool.command(["EVAL", Self.resetScript, "1", prefix + key, String(Self.milliseconds(now))])
    }

    public func clear(key: String) async throws {
        _ = try await pool.command(["DEL", prefix + key])
    }

    private func evaluate(_ script: String, key: String, policy: LimitPolicy, now: Date, counting: Bool) async throws -> AttemptCount {
        let window = max(1, Int((policy.window.timeInterval * 1000).rounded(.up)))
        let reply = try await pool.command(["EVAL", script, "1", prefix + key, String(Self.milliseconds(now)), String(window),
                                            String(policy.limit), counting ? "1" : "0"])
        guard case .array(let items) = reply, items.count == 3,
              case .integer(let allowed) = items[0], case .integer(let count) = items[1], case .integer(let wait) = items[2] else {
            throw RedisError("the attempt script answered \(reply)")
        }
        return AttemptCount(allowed: allowed == 1, count: count, retryAfter: .milliseconds(max(0, wait)))
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// KEYS[1] the counter; ARGV: now (ms), window (ms), limit, 1 to count or 0 to only look.
    /// Answers {allowed 0/1, attempts in the window, ms until a refused attempt may retry (or
    /// until the window ends)}. A refused attempt is not counted.
    static let reserveScript = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local h = redis.call('HMGET', KEYS[1], 'n', 'start', 'until')
        local n = tonumber(h[1]) or 0
        local start = tonumber(h[2]) or now
        local blocked = tonumber(h[3]) or 0
        if blocked > now then return {0, n, blocked - now} end
        if now - start >= window then
          n = 0
          start = now
        end
        if n >= limit then return {0, n, start + window - now} end
        if ARGV[4] == '1' then
          n = n + 1
          redis.call('HSET', KEYS[1], 'n', n, 'start', start)
          if blocked > 0 then redis.call('HDEL', KEYS[1], 'until') end
          redis.call('PEXPIRE', KEYS[1], math.max(1, start + window - now))
        end
        return {1, n, start + window - now}
        """

    /// KEYS[1] the counter; ARGV: now (ms), window (ms). Takes one attempt back from the window in
    /// force; a window that ended, an empty one or a missing key is left alone.
    static let releaseScript = """
        local h = redis.call('HMGET', KEYS[1], 'n', 'start')
        local n = tonumber(h[1]) or 0
        local start = tonumber(h[2])
        if not start or n <= 0 or tonumber(ARGV[1]) - start >= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], 'n', n - 1)
        return 1
        """

    /// KEYS[1] the counter; ARGV: now (ms), until (ms). The count starts over when the block ends.
    static let blockScript = """
        local now = tonumber(ARGV[1])
        local untilTime = tonumber(ARGV[2])
        redis.call('HSET', KEYS[1], 'n', 0, 'start', now, 'until', untilTime)
        redis.call('PEXPIRE', KEYS[1], math.max(1, untilTime - now))
        return 1
        """

    /// KEYS[1] the counter; ARGV: now (ms). Forgets the attempts unless a block is in force.
    static let resetScript = """
        local blocked = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
        if blocked > tonumber(ARGV[1]) then return 0 end
        return redis.call('DEL', KEYS[1])
        """
}
