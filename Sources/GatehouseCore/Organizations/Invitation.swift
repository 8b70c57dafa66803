import Foundation

/// An invitation to hold a role: a platform role, or a role in one organization. Single use;
/// its 256-bit token is known only to the mail it was sent in (stored as a digest).
public struct Invitation: Sendable, Equatable {
    public var id: UUID
    /// Normalized like `User.email`.
    public var email: String
    public var role: Role
    /// Set exactly for the organization roles.
    public var organizationID: UUID?
    /// Nil for the operator at the server's shell.
    public var invitedBy: UUID?
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var acceptedBy: UUID?
    public var revokedAt: Date?
    public var revokedBy: UUID?
    /// The invitation a resend made in this one's place.
    public var replacedBy: UUID?
    /// When the expiry was noticed (the sweep announces it once).
    public var expiredAt: Date?

    public init(id: UUID, email: String, role: Role, organizationID: UUID?, invitedBy: UUID?, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.email = email
        self.role = role
        self.organizationID = organizationID
        self.invitedBy = invitedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public enum State: String, Sendable, Equatable {
        case pending, accepted, revoked, replaced, expired
    }

    /// Where the invitation stands at `now`; an accepted or revoked one stays so after its expiry.
    public func state(at now: Date) -> State {
        if acceptedAt != nil { return .accepted }
        if replacedBy != nil { return .replaced }
        if revokedAt != nil { return .revoked }
        if expiredAt != nil || expiresAt <= now { return .expired }
        return .pending
    }
}
