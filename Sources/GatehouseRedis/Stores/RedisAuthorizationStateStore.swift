import Foundation
public import GatehouseCore

/// Short-lived protocol state in Redis, every key with a TTL: pending authorization requests,
/// authorization codes (by digest) and revoked access-token ids.
///
/// A code is consumed by one Lua script that swaps it for a used-marker and returns what was
/// there, so exactly one caller sees the code and later callers see the marker (DESIGN.md).
public struct RedisAuthorizationStateStore: AuthorizationStateStore {
    let pool: RedisPool
    let prefix: String

    public init(pool: RedisPool, prefix: String = "gh:") {
        self.pool = pool
        self.prefix = prefix
    }

    public func savePending(_ request: PendingAuthorization, id: String, ttl: Duration) async throws {
        try await set(key: prefix + "authreq:" + id, value: Self.encode(request), ttl: ttl)
    }

    public func pending(id: String) async throws -> PendingAuthorization? {
        guard case .string(let bytes) = try await pool.command(["GET", prefix + "authreq:" + id]) else { return nil }
        return try? JSONDecoder().decode(PendingAuthorization.self, from: Data(bytes))
    }

    public func deletePending(id: String) async throws {
        _ = try await pool.command(["DEL", prefix + "authreq:" + id])
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

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }
}
