import Foundation
public import GatehouseCore

/// "Password proven, second factor pending" states in Redis, under the hex digest of the
/// browser's token (the token itself is never stored), expiring on their own.
public struct RedisPendingSignInStore: PendingSignInStore {
    let pool: RedisPool
    let prefix: String

    public init(pool: RedisPool, prefix: String = "gh:") {
        self.pool = pool
        self.prefix = prefix
    }

    public func save(_ signIn: PendingSignIn, digest: [UInt8], ttl: Duration) async throws {
        _ = try await pool.command(["SET", key(digest), String(decoding: try JSONEncoder().encode(signIn), as: UTF8.self),
                                    "PX", String(RedisAuthorizationStateStore.milliseconds(ttl))])
    }

    public func find(digest: [UInt8]) async throws -> PendingSignIn? {
        guard case .string(let bytes) = try await pool.command(["GET", key(digest)]) else { return nil }
        return try? JSONDecoder().decode(PendingSignIn.self, from: Data(bytes))
    }

    public func delete(digest: [UInt8]) async throws {
        _ = try await pool.command(["DEL", key(digest)])
    }

    func key(_ digest: [UInt8]) -> String {
        prefix + "mfa-signin:" + digest.map { String(format: "%02x", $0) }.joined()
    }
}
