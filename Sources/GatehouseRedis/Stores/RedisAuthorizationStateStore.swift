import Foundation
public import GatehouseCore

/// Short-lived protocol state in Redis, every key with a TTL: pending authorization requests,
/// authorization codes (by digest), revoked access-token ids and revoked grant ids.
///
/// A code is consumed by one Lua script that checks the request's binding (client, redirect
/// URI, PKCE challenge) and only then swaps the code for a used-marker, returning what was
/// there: exactly one matching caller sees the code, later matching callers see the marker,
/// and a caller that does not match changes nothing (DESIGN.md).
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

    public func consumeCode(digest: [UInt8], presented: CodeBinding, marker: CodeUseMarker, markerTTL: Duration) async throws
        -> CodeConsumption {
        let reply = try await pool.command(bytes: [
            Array("EVAL".utf8), Array(Self.consumeScript.utf8), Array("1".utf8), Array(codeKey(digest).utf8),
            Self.markerTag + Self.encode(marker), Array(String(Self.milliseconds(markerTTL)).utf8),
            Array(presented.clientID.utf8), Array(presented.redirectURI.utf8), Array((presented.codeChallenge ?? "").utf8),
        ])
        guard case .array(let parts) = reply, parts.count == 2,
              let outcome = parts[0].text, case .string(let bytes) = parts[1] else { return .notFound }
        let body = Data(bytes.dropFirst(2))
        let decoder = JSONDecoder()
        switch outcome {
        case "fresh":
            return (try? decoder.decode(AuthorizationCodeRecord.self, from: body)).map(CodeConsumption.fresh) ?? .notFound
        case "used":
            return (try? decoder.decode(CodeUseMarker.self, from: body)).map(CodeConsumption.alreadyUsed) ?? .notFound
        case "mismatch":
            let bound = bytes.starts(with: Self.markerTag)
                ? (try? decoder.decode(CodeUseMarker.self, from: body))?.binding
                : (try? decoder.decode(AuthorizationCodeRecord.self, from: body))?.binding
            return bound.map(CodeConsumption.mismatch) ?? .notFound
        default:
            return .notFound
        }
    }

    public func revokeAccessToken(id: String, until: Date, now: Date) async throws {
        try await setRevoked(prefix + "revoked-at:" + id, until: until, now: now)
    }

    public func revokeGrant(id grantID: UUID, until: Date, now: Date) async throws {
        try await setRevoked(grantKey(grantID), until: until, now: now)
    }

    public func isAccessTokenRevoked(id: String, grantID: UUID?) async throws -> Bool {
        // EXISTS counts the keys that exist: one command for the token and its grant.
        var command = ["EXISTS", prefix + "revoked-at:" + id]
        if let grantID { command.append(grantKey(grantID)) }
        guard case .integer(let found) = try await pool.command(command) else { return false }
        return found > 0
    }

    func setRevoked(_ key: String, until: Date, now: Date) async throws {
        let remaining = max(1, Int((until.timeIntervalSince(now) * 1000).rounded(.up)))
        _ = try await pool.command(["SET", key, "1", "PX", String(remaining)])
    }

    func grantKey(_ grantID: UUID) -> String {
        prefix + "revoked-grant:" + grantID.uuidString.lowercased()
    }

    // MARK: - Encoding

    static let codeTag = Array("C:".utf8)
    static let markerTag = Array("U:".utf8)

    /// Compares the presented binding (ARGV[3] client id, ARGV[4] redirect URI, ARGV[5] PKCE
    /// challenge or "") with the one stored in the code or its marker, and returns
    /// {outcome, stored value}: `mismatch` changes nothing; a code (tag C:) that matches is
    /// replaced by the marker in ARGV[1] for ARGV[2] ms (`fresh`); a marker (tag U:) that
    /// matches is a second use (`used`). Both are JSON with these three fields at the top.
    static let consumeScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then return false end
        local ok, stored = pcall(cjson.decode, string.sub(v, 3))
        if not ok or type(stored) ~= 'table' then return false end
        local challenge = stored['codeChallenge']
        if type(challenge) ~= 'string' then challenge = '' end
        if stored['clientID'] ~= ARGV[3] or stored['redirectURI'] ~= ARGV[4] or challenge ~= ARGV[5] then
          return {'mismatch', v}
        end
        if string.sub(v, 1, 2) == 'C:' then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return {'fresh', v}
        end
        return {'used', v}
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
