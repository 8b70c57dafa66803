import Foundation

/// API keys (PostgreSQL `api_keys`), each stored under the SHA-256 digest of its text; the text
/// itself is never stored. A user's deletion deletes their keys (`ON DELETE CASCADE`).
public protocol APIKeyStore: Sendable {
    /// Stores a new key unless its owner has `liveLimit` live keys at `key.createdAt` already
    /// (false, nothing stored): the count and the insert are one step per owner, so two requests
    /// at once cannot both take the last place. Throws `StoreError.conflict` when the owner does
    /// not exist (or, never in practice, the digest is taken).
    func create(_ key: APIKey, digest: [UInt8], liveLimit: Int) async throws -> Bool
    /// The key stored under `digest`, revoked or expired or not; nil when there is none.
    func find(digest: [UInt8]) async throws -> APIKey?
    /// The user's keys that are not revoked (expired ones included), newest first, at most `limit`.
    func list(userID: UUID, limit: Int) async throws -> [APIKey]
    /// How many of the user's keys are neither revoked nor expired at `now`.
    func countLive(userID: UUID, now: Date) async throws -> Int
    /// Revokes the user's key `id` if it is not revoked yet; returns it as revoked, or nil when
    /// it is unknown, another user's, or revoked already (nothing changed).
    func revoke(id: UUID, userID: UUID, at: Date, by actor: String) async throws -> APIKey?
    /// Sets `lastUsedAt = at` unless it was set less than `resolution` before `at`: one
    /// conditional write, so a busy key on many instances writes at most about once per
    /// `resolution`. True when it wrote.
    @discardableResult
    func recordUse(id: UUID, at: Date, resolution: TimeInterval) async throws -> Bool
    /// The same rule for audit events about refused uses of the key: true (and noted) when none
    /// was recorded in the last `resolution`, so a script hammering with a revoked key cannot
    /// flood the audit trail.
    func claimRefusalNotice(id: UUID, at: Date, resolution: TimeInterval) async throws -> Bool
}

extension APIKeyStore {
    /// Stores a new key, however many its owner has (fixtures and tests).
    public func create(_ key: APIKey, digest: [UInt8]) async throws {
        _ = try await create(key, digest: digest, liveLimit: .max)
    }
}
