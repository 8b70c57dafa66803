import Foundation

/// "The password is proven, the second factor is not yet": kept in the ephemeral store for a
/// few minutes under the digest of a random token that only this browser holds (an HttpOnly
/// cookie). No session exists until the second factor is proven, so a stolen password alone
/// never yields one.
public struct PendingSignIn: Sendable, Codable, Equatable {
    public var userID: UUID
    /// The authorization request to continue afterwards, if any.
    public var pendingAuthorizationID: String?
    /// The methods already proven (RFC 8176), e.g. `["pwd"]`.
    public var amr: [String]
    /// The emailed code's challenge, once one was sent.
    public var emailTicket: String?
    /// Set when the second factor is proven but the person still has to see something (new
    /// recovery codes) before the session starts: the methods the session will carry.
    public var provenAMR: [String]?
    /// A digest of the password hash that was proven: once the password changes (a reset, a
    /// change, a forced change) the state is void. Nil only in states older than this field,
    /// which count as void too.
    public var passwordFingerprint: [UInt8]?
    /// The authenticator-app enrolment this sign-in started (`TOTPFactor`): the sign-in's
    /// enrolment page shows and confirms only this one, never a secret started elsewhere.
    public var totpEnrolmentID: UUID?
    /// The second-factor methods that count for this sign-in (the active organization's policy
    /// may allow fewer than all, `SecondFactorRequirement`): `/mfa` offers only these, the
    /// enrolment pages set up only these. Nil: every method (and states older than the field).
    public var allowedMethods: Set<SecondFactorMethod>?
    /// With `provenAMR`: the factor just enrolled and proven, for the session that follows.
    public var provenSecondFactor: ProvenSecondFactor?
    public var createdAt: Date

    /// What this sign-in's second step requires: the allowed methods (whether one is required at
    /// all was decided when it began).
    public var requirement: SecondFactorRequirement {
        SecondFactorRequirement(isRequired: true, allowedMethods: allowedMethods ?? Set(SecondFactorMethod.allCases))
    }

    public init(userID: UUID, pendingAuthorizationID: String?, amr: [String], createdAt: Date) {
        self.userID = userID
        self.pendingAuthorizationID = pendingAuthorizationID
        self.amr = amr
        self.createdAt = createdAt
    }
}
