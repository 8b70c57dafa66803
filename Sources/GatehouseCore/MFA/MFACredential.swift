import Foundation

/// A second factor a user has (or is setting up). A TOTP credential holds its secret sealed
/// with AES-256-GCM (never the secret itself) and the last time step it accepted, so a code
/// cannot be used twice; an email credential holds neither: its codes are mailed per sign-in.
public struct MFACredential: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case totp
        case email
    }

    public var id: UUID
    public var userID: UUID
    public var kind: Kind
    /// `nonce || ciphertext || tag` from `SecretSealer`, bound to the user and kind.
    public var sealedSecret: [UInt8]?
    /// The newest RFC 6238 time step a code was accepted for.
    public var lastUsedStep: Int64?
    public var createdAt: Date
    /// Nil while enrolment waits for its first code: an unconfirmed credential never counts.
    public var confirmedAt: Date?

    public init(id: UUID, userID: UUID, kind: Kind, sealedSecret: [UInt8]?, lastUsedStep: Int64?, createdAt: Date,
                confirmedAt: Date?) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.sealedSecret = sealedSecret
        self.lastUsedStep = lastUsedStep
        self.createdAt = createdAt
        self.confirmedAt = confirmedAt
    }

    public var isConfirmed: Bool { confirmedAt != nil }
}
