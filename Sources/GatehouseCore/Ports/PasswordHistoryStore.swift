import Foundation

/// The argon2id hashes of an account's recent passwords (PostgreSQL), for the no-reuse rule of
/// `PasswordPolicy`. Only hashes are kept, and only as many as the policy needs.
public protocol PasswordHistoryStore: Sendable {
    /// The newest first, at most `limit`.
    func recentHashes(userID: UUID, limit: Int) async throws -> [String]
    /// Remembers the hash of a password just set (made from `PasswordPolicy.normalized`), and
    /// forgets all but the newest ones the store is configured to keep (none when the policy's
    /// history is off). Call it on registration, reset and change, beside `UserStore`'s update.
    func record(userID: UUID, hash: String, at: Date) async throws
}
