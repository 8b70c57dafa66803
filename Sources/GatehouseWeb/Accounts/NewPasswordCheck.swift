import Foundation
import GatehouseCore

/// Checks a new password against the policy and the account's history, returning each problem
/// in words for the page. Registration, reset and change all go through here.
struct NewPasswordCheck: Sendable {
    let policy: PasswordPolicy
    let history: any PasswordHistoryStore
    let hasher: any PasswordHasher
    let users: any UserStore
    let clock: any Clock

    func problems(_ password: String, confirmation: String?, context: PasswordContext, user: User?) async throws -> [String] {
        var problems = policy.violations(of: password, context: context).map(\.message)
        if let confirmation, confirmation != password {
            problems.append("The two passwords differ. Type the same password twice.")
        }
        if problems.isEmpty, let user,
           let reuse = try await policy.reuseViolation(of: password, userID: user.id, currentHash: user.passwordHash,
                                                       history: history, hasher: hasher) {
            problems.append(reuse.message)
        }
        return problems
    }

    /// Hashes the normalized password and stores it as the user's new one, with history.
    func setPassword(_ password: String, for userID: UUID) async throws {
        let hash = try await hasher.hash(PasswordPolicy.normalized(password))
        let now = clock.now
        try await users.changePassword(userID: userID, hash: hash, at: now)
        try await history.record(userID: userID, hash: hash, at: now)
    }
}
