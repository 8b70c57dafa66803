import Foundation

/// An end user who signs in on Gatehouse's pages. `sub` in tokens is `id`.
public struct User: Sendable, Equatable {
    public var id: UUID
    /// Normalised (trimmed, lower-cased) email; unique.
    public var email: String
    public var emailVerified: Bool
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    public var picture: String?
    /// argon2id PHC string; nil for an account that cannot sign in with a password.
    public var passwordHash: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When the password was last set; nil until the first change (then `createdAt` counts).
    public var passwordChangedAt: Date?
    /// Active, suspended or deactivated (an erased account is never read back as a `User`).
    public var status: AccountStatus = .active
    /// Access tokens issued before this instant no longer count (set when the account was
    /// suspended, deactivated or erased); nil when that never happened. See `AccountStanding`.
    public var credentialsNotBefore: Date?
    /// Who made the account: the inviter of the invitation it was made from (or whoever an import
    /// names); nil when the person registered themselves or the server's shell made it.
    public var createdBy: UUID?

    public init(id: UUID, email: String, emailVerified: Bool, name: String? = nil, givenName: String? = nil,
                familyName: String? = nil, picture: String? = nil, passwordHash: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
        self.givenName = givenName
        self.familyName = familyName
        self.picture = picture
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The time the current password was set, for the maximum-age rule.
    public var passwordSetAt: Date { passwordChangedAt ?? createdAt }

    /// The form in which emails are stored and looked up.
    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
