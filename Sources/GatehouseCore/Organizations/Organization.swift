import Foundation

/// A customer of the platform: a row, not a realm (Keycloak's realm per tenant stops scaling at
/// about a thousand). Users belong to it through `Membership`s.
public struct Organization: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Created with the invitation of its first `client_admin`, before anyone accepted.
        case pending
        case active
    }

    public var id: UUID
    public var name: String
    /// Unique, URL-safe; the `organization` authorize parameter accepts it as well as the id.
    public var slug: String
    public var status: Status
    public var secondFactor: SecondFactorPolicy
    public var createdAt: Date
    /// The user who created it; nil for the operator at the server's shell.
    public var createdBy: UUID?
    /// When it last changed (its creation, until then).
    public var updatedAt: Date
    /// Who changed it last; nil for the operator at the server's shell (a new organization's
    /// creator passes it as well).
    public var updatedBy: UUID?

    public init(id: UUID, name: String, slug: String, status: Status, secondFactor: SecondFactorPolicy = .optional,
                createdAt: Date, createdBy: UUID?, updatedAt: Date? = nil, updatedBy: UUID? = nil) {
        self.id = id
        self.name = name
        self.slug = slug
        self.status = status
        self.secondFactor = secondFactor
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
        self.updatedBy = updatedBy
    }
}

/// An organization's second-factor rule for its members' sign-ins to it.
public enum SecondFactorPolicy: Sendable, Equatable, Codable {
    /// No second factor asked for by the organization (the user's own factors still apply).
    case off
    /// Members may enrol one; it is asked for when they have it.
    case optional
    /// Every member proves one of these methods; members without one enrol at their next sign-in.
    case required(Set<SecondFactorMethod>)
}

/// The second factors an organization may allow.
public enum SecondFactorMethod: String, Sendable, Codable, CaseIterable, Hashable {
    /// An authenticator app (TOTP).
    case authenticatorApp = "totp"
    /// Codes sent by email.
    case emailedCode = "email"
}

/// A user's place in an organization: its built-in role there.
public struct Membership: Sendable, Equatable {
    public var organizationID: UUID
    public var userID: UUID
    /// `client_admin` or `client_user`.
    public var role: Role
    public var createdAt: Date
    public var createdBy: UUID?

    public init(organizationID: UUID, userID: UUID, role: Role, createdAt: Date, createdBy: UUID?) {
        self.organizationID = organizationID
        self.userID = userID
        self.role = role
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
