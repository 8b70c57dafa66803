import Foundation
import GatehouseCore

/// What registration and an invitation's link share when they make an account: the name, the
/// password under the policy and the terms, read from the form and judged in words; the password
/// hashed once the address's argon2 work is admitted; and, once the account is stored, its
/// password history and the terms it accepted.
struct NewAccount: Sendable {
    let newPassword: NewPasswordCheck
    let passwordWork: PasswordWorkLimiter
    let hasher: any PasswordHasher
    let history: any PasswordHistoryStore
    let users: any UserStore
    /// Set when the deployment has terms to accept.
    let termsURL: String?
    let clock: any Clock

    /// What the form asks for: the name trimmed (empty: none), the password as typed.
    struct Entry: Sendable {
        let name: String
        let password: String
    }

    /// The entry for an account of `email`, and every problem with it in words (none: empty).
    func read(_ form: RequestParameters, email: String) async throws -> (entry: Entry, problems: [String]) {
        let entry = Entry(name: (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines), password: form["password"] ?? "")
        var problems: [String] = []
        if AccountName.isTooLong(entry.name) { problems.append("Use at most \(AccountName.maximumLength) characters for your name.") }
        if termsURL != nil && form["accept_terms"] != "yes" { problems.append("Accept the terms of service to create an account.") }
        problems += try await newPassword.problems(entry.password, confirmation: nil,
                                                   context: PasswordContext(email: email, names: [entry.name]), user: nil)
        return (entry, problems)
    }

    /// The account to store for `email` (not stored yet), its password hashed: the hash is the
    /// costly part, so the address's password work is admitted first.
    func account(_ entry: Entry, email: String, verified: Bool, from origin: ClientOrigin) async throws -> (user: User, hash: String) {
        try await passwordWork.admit(.email(email), from: origin)
        let hash = try await hasher.hash(PasswordPolicy.normalized(entry.password))
        let now = clock.now
        let user = User(id: UUID(), email: email, emailVerified: verified, name: entry.name.isEmpty ? nil : entry.name,
                        passwordHash: hash, createdAt: now, updatedAt: now)
        return (user, hash)
    }

    /// After the account is stored: its first password in the history, and the terms accepted.
    func created(_ user: User, hash: String) async throws {
        let now = clock.now
        try await history.record(userID: user.id, hash: hash, at: now)
        if termsURL != nil { try await users.recordTermsAccepted(userID: user.id, at: now) }
    }
}
