import GatehouseRedis
import Logging

/// `serve` asks Redis for its `maxmemory-policy` at start and warns unless it is `noeviction`
/// (README, "Brute-force protection"): under any eviction policy a full Redis would quietly drop
/// attempt counters, lockout copies or code-use markers instead of refusing writes. A managed
/// Redis may refuse `CONFIG`: then it says what to check by hand.
enum RedisEvictionCheck {
    /// The warning for a policy, nil when it is the required one.
    static func warning(for policy: String) -> String? {
        policy == "noeviction" ? nil
            : "Redis maxmemory-policy is \(policy): it must be noeviction, or a full Redis may evict attempt counters, "
            + "lockouts and used-code markers (set maxmemory-policy noeviction in redis.conf)"
    }

    static func run(_ redis: RedisPool?, logger: Logger) async {
        guard let redis else { return }
        do {
            let reply = try await redis.command(["CONFIG", "GET", "maxmemory-policy"])
            guard case .array(let items) = reply, items.count == 2, let policy = items[1].text else { return }
            if let warning = warning(for: policy) { logger.warning("\(warning)") }
        } catch {
            logger.notice("could not read Redis's maxmemory-policy (CONFIG refused): make sure it is noeviction")
        }
    }
}
