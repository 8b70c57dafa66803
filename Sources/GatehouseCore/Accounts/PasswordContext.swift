import Foundation

/// Who the password is for: the words from the account that a password must not contain
/// (NIST SP 800-63B §5.1.1.2 "context-specific words": the username and the service name).
public struct PasswordContext: Sendable, Equatable {
    /// The account's email address, if known.
    public var email: String?
    /// The user's names as typed (full name, given name, family name): each is split into parts.
    public var names: [String]

    public init(email: String?, names: [String] = []) {
        self.email = email
        self.names = names
    }

    /// The context of an existing account.
    public init(user: User) {
        self.init(email: user.email, names: [user.name, user.givenName, user.familyName].compactMap { $0 })
    }

    /// No account yet and nothing known about it.
    public static let none = PasswordContext(email: nil)
}
