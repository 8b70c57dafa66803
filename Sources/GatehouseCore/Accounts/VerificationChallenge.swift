import Foundation

/// An emailed proof of control over an address: a 6-digit code and a link token, both stored
/// only as digests, valid for 15 minutes and a limited number of wrong tries. The `ticket`
/// that names it travels in the page's form, never in a guessable form.
public struct VerificationChallenge: Sendable, Codable, Equatable {
    public enum Purpose: String, Sendable, Codable {
        /// A new account proving its email (after registration or an unverified sign-in).
        case accountEmail
        /// A signed-in user moving to a new address.
        case emailChange
        /// A second factor at sign-in (the emailed one-time code): code only, never a link.
        case signInCode
    }

    public var purpose: Purpose
    /// Nil when the registration named an email that already has an account: the page looks the
    /// same, the owner gets a notice instead, and no code can ever match.
    public var userID: UUID?
    public var email: String
    public var codeDigest: [UInt8]
    public var linkDigest: [UInt8]
    /// The authorization request to continue once verified.
    public var pendingAuthorizationID: String?
    public var createdAt: Date

    public init(purpose: Purpose, userID: UUID?, email: String, codeDigest: [UInt8], linkDigest: [UInt8],
                pendingAuthorizationID: String?, createdAt: Date) {
        self.purpose = purpose
        self.userID = userID
        self.email = email
        self.codeDigest = codeDigest
        self.linkDigest = linkDigest
        self.pendingAuthorizationID = pendingAuthorizationID
        self.createdAt = createdAt
    }
}
