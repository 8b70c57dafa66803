import Foundation

/// The no-reuse rule (ASVS 2.1 / NIST SP 800-63B §5.1.1.2 allow it; the issue asks for the last
/// 5): the new password is verified against the account's recent argon2id hashes, so the
/// history never holds anything but hashes. Each comparison is a full argon2 verification on
/// the hasher's own pool — up to `historyCount` of them — which is why this part is async and
/// separate from `violations(of:context:)`.
extension PasswordPolicy {
    /// `.reused` when `password` matches the current password or one of the recent ones kept in
    /// `history`; nil otherwise, or when the history is off. `currentHash` is the account's
    /// present hash (it covers accounts whose history began after their password was set).
    public func reuseViolation(of password: String, userID: UUID, currentHash: String?,
                               history: any PasswordHistoryStore, hasher: any PasswordHasher) async throws -> PasswordViolation? {
        let count = settings.historyCount
        guard count > 0 else { return nil }
        var hashes = try await history.recentHashes(userID: userID, limit: count)
        if let currentHash, !hashes.contains(currentHash) {
            hashes.insert(currentHash, at: 0)
        }
        let candidate = Self.normalized(password)
        for hash in hashes.prefix(count) {
            if try await hasher.verify(candidate, against: hash) { return .reused(count: count) }
        }
        return nil
    }
}
