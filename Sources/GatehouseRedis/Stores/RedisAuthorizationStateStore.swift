import Foundation
public import GatehouseCore

/// Short-lived protocol state in Redis, every key with a TTL: pending authorization requests,
/// authorization codes (by digest) and revoked access-token ids.
///
/// A code is consumed by one Lua script that swaps it for a used-marker and returns what was
/// there, so exactly one caller sees the code and later callers see the marker (DESIGN.md).
///
/// Pending requests are budgeted (`PendingAuthorizationBudget`): each is also a member of a
/// sorted set of its owner's (the client address) and of one set of all, scored by when it
/// expires, so one Lua script can count what is kept now, drop what expired, refuse or store, in
/// one atomic step. The value is `owner "\n" JSON` (JSON never holds a raw line break), so
/// deleting a request takes it out of its owner's set at once. The scripts name the owner's set
/// themselves, which the single Redis endpoint Gatehouse supports allows (no Cluster).
public struct RedisAuthorizationStateStore: AuthorizationStateStore {
    let pool: RedisPool
    let prefix: String

    public init(pool: RedisPool, prefix: String = "gh:") {
        self.pool = pool
        self.prefix = prefix
    }

    public func startPending(_ request: PendingAuthorization, id: String, ttl: Duration, owner: String?,
                             limits: PendingAuthorizationLimits, now: Date) async throws -> PendingAdmission {
        // An owner is an address key; a line break would end it early, so none may be in it.
        let owner = (owner ?? "").filter { $0 != "\n" && $0 != "\r" }
        let perOwner = owner.isEmpty ? 0 : max(0, limits.perOwner)
        let value: [UInt8] = Array((owner + "\n").utf8) + (try Self.encode(request))
        let texts: [String] = ["EVAL", Self.startPendingScript, "3", pendingKey(id), ownerKey(owner), allPendingKey,
                               String(Self.milliseconds(now)), String(Self.milliseconds(ttl)), String(perOwner),
                               String(max(0, limits.total)), id]
        let reply = try await pool.command(bytes: texts.map { Array($0.utf8) } + [value])
        guard case .array(let items) = reply, items.count == 2,
              case .integer(let status) = items[0], case .integer(let wait) = items[1] else {
            throw RedisError("the pending-request script answered \(reply)")
        }
        switch status {
        case 0: return .stored
        case 1: return .ownerFull(retryAfter: .milliseconds(max(1, wait)))
        default: return .storeFull
        }
    }

    @discardableResult
    public func savePending(_ request: PendingAuthorization, id: String, ttl: Duration) async throws -> Bool {
        let texts: [String] = ["EVAL", Self.updatePendingScript, "2", pendingKey(id), allPendingKey, String(Self.milliseconds(ttl)), id]
        let reply = try await pool.command(bytes: texts.map { Array($0.utf8) } + [try Self.encode(request), Array(ownerKey("").utf8)])
        return reply == .integer(1)
    }

    public func pending(id: String) async throws -> PendingAuthorization? {
        guard case .string(let bytes) = try await pool.command(["GET", pendingKey(id)]) else { return nil }
        let json = bytes.firstIndex(of: UInt8(ascii: "\n")).map { bytes[bytes.index(after: $0)...] } ?? bytes[...]
        return try? JSONDecoder().decode(PendingAuthorization.self, from: Data(json))
    }

    public func deletePending(id: String) async throws {
        _ = try await pool.command(["EVAL", Self.deletePendingScript, "2", pendingKey(id), allPendingKey, id, ownerKey("")])
    }

    public func saveCode(_ record: AuthorizationCodeRecord, digest: [UInt8], ttl: Duration) async throws {
        try await set(key: codeKey(digest), value: Self.codeTag + Self.encode(record), ttl: ttl)
    }

    public func consumeCode(digest: [UInt8], marker: CodeUseMarker, markerTTL: Duration) async throws -> CodeConsumption {
        let reply = try await pool.command(bytes: [
            Array("EVAL".utf8), Array(Self.consumeScript.utf8), Array("1".utf8), Array(codeKey(digest).utf8),
            Self.markerTag + Self.encode(marker), Array(String(Self.milliseconds(markerTTL)).utf8),
        ])
        guard case .string(let bytes) = reply else { return .notFound }
        let body = Data(bytes.dropFirst(2))
        if bytes.starts(with: Self.markerTag), let earlier = try? JSONDecoder().decode(CodeUseMarker.self, from: body) {
            return .alreadyUsed(earlier)
        }
        if bytes.starts(with: Self.codeTag), let record = try? JSONDecoder().decode(AuthorizationCodeRecord.self, from: body) {
            return .fresh(record)
        }
        return .notFound
    }

    public func revokeAccessToken(id: String, until: Date, now: Date) async throws {
        let remaining = max(1, Int((until.timeIntervalSince(now) * 1000).rounded(.up)))
        _ = try await pool.command(["SET", prefix + "revoked-at:" + id, "1", "PX", String(remaining)])
    }

    public func isAccessTokenRevoked(id: String) async throws -> Bool {
        try await pool.command(["EXISTS", prefix + "revoked-at:" + id]) == .integer(1)
    }

    // MARK: - Pending requests

    func pendingKey(_ id: String) -> String { prefix + "authreq:" + id }
    /// The sorted set of one owner's pending request ids, scored by expiry (ms).
    func ownerKey(_ owner: String) -> String { prefix + "authreq-by:" + owner }
    /// The sorted set of every pending request id, scored by expiry (ms).
    var allPendingKey: String { prefix + "authreq-all" }

    /// KEYS: the request, its owner's set, the set of all. ARGV: now (ms), ttl (ms), per-owner
    /// limit (0: not counted per owner), total limit (0: none), id, value. Answers {0, 0} stored,
    /// {1, ms until the owner's oldest request expires} or {2, 0} when the store is full.
    static let startPendingScript = """
        local now = tonumber(ARGV[1])
        local ttl = tonumber(ARGV[2])
        local perOwner = tonumber(ARGV[3])
        local total = tonumber(ARGV[4])
        if perOwner > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
          if redis.call('ZCARD', KEYS[2]) >= perOwner then
            local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
            return {1, math.max(1, tonumber(oldest[2]) - now)}
          end
        end
        if total > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
          if redis.call('ZCARD', KEYS[3]) >= total then return {2, 0} end
          redis.call('ZADD', KEYS[3], now + ttl, ARGV[5])
          redis.call('PEXPIRE', KEYS[3], ttl)
        end
        if perOwner > 0 then
          redis.call('ZADD', KEYS[2], now + ttl, ARGV[5])
          redis.call('PEXPIRE', KEYS[2], ttl)
        end
        redis.call('SET', KEYS[1], ARGV[6], 'PX', ttl)
        return {0, 0}
        """

    /// KEYS: the request, the set of all. ARGV: ttl (ms), id, the new JSON, the prefix of owners'
    /// sets. Replaces the JSON of a request that exists, keeping its owner, gives it `ttl` again
    /// and moves its expiry in both sets by as much (scores are the callers' clock, so they move
    /// by the extension rather than being set from Redis's time); answers 1, or 0 when the
    /// request is gone (nothing is created).
    static let updatePendingScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then return 0 end
        local ttl = tonumber(ARGV[1])
        local extension = ttl - math.max(0, redis.call('PTTL', KEYS[1]))
        local nl = string.find(v, '\\n', 1, true)
        local owner = ''
        if nl then owner = string.sub(v, 1, nl - 1) end
        redis.call('SET', KEYS[1], owner .. '\\n' .. ARGV[3], 'PX', ttl)
        local sets = {KEYS[2]}
        if owner ~= '' then sets[2] = ARGV[4] .. owner end
        for _, set in ipairs(sets) do
          local score = redis.call('ZSCORE', set, ARGV[2])
          if score then
            redis.call('ZADD', set, tonumber(score) + extension, ARGV[2])
            if redis.call('PTTL', set) < ttl then redis.call('PEXPIRE', set, ttl) end
          end
        end
        return 1
        """

    /// KEYS: the request, the set of all. ARGV: id, the prefix of owners' sets. Deletes the
    /// request and takes it out of both sets.
    static let deletePendingScript = """
        local v = redis.call('GET', KEYS[1])
        if v then
          local nl = string.find(v, '\\n', 1, true)
          if nl and nl > 1 then redis.call('ZREM', ARGV[2] .. string.sub(v, 1, nl - 1), ARGV[1]) end
        end
        redis.call('ZREM', KEYS[2], ARGV[1])
        return redis.call('DEL', KEYS[1])
        """

    // MARK: - Encoding

    static let codeTag = Array("C:".utf8)
    static let markerTag = Array("U:".utf8)

    /// Returns the stored value; on a code (tag C:) it is replaced by the marker in ARGV[1].
    static let consumeScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then return false end
        if string.sub(v, 1, 2) == 'C:' then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        end
        return v
        """

    func codeKey(_ digest: [UInt8]) -> String {
        prefix + "code:" + digest.map { String(format: "%02x", $0) }.joined()
    }

    func set(key: String, value: [UInt8], ttl: Duration) async throws {
        _ = try await pool.command(bytes: [Array("SET".utf8), Array(key.utf8), value,
                                           Array("PX".utf8), Array(String(Self.milliseconds(ttl)).utf8)])
    }

    static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int((duration.timeInterval * 1000).rounded(.up)))
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }
}
