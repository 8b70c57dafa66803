import Foundation

/// One refresh token of a rotation family (RFC 9700 §4.14.2). Stored by digest; every use
/// rotates it, and a second use of a rotated token revokes the whole family.
public struct RefreshTokenRecord: Sendable, Equatable {
    public var digest: [UInt8]
    public var familyID: UUID
    public var clientID: String
    public var userID: UUID
    public var scopes: [String]
    public var sessionID: UUID?
    public var authTime: Date
    public var amr: [String]
    public var createdAt: Date
    /// Idle expiry: this token dies if unused until then.
    public var expiresAt: Date
    /// Absolute expiry of the family: no rotation extends past it.
    public var familyExpiresAt: Date
    /// The organization the family acts for, fixed at the code's exchange and kept by every
    /// rotation: a refresh never moves a grant to another organization, so two grants for two
    /// organizations (two tabs) each keep their own.
    public var organizationID: UUID?

    public init(digest: [UInt8], familyID: UUID, clientID: String, userID: UUID, scopes: [String], sessionID: UUID?,
                authTime: Date, amr: [String], createdAt: Date, expiresAt: Date, familyExpiresAt: Date,
                organizationID: UUID? = nil) {
        self.digest = digest
        self.familyID = familyID
        self.clientID = clientID
        self.userID = userID
        self.scopes = scopes
        self.sessionID = sessionID
        self.authTime = authTime
        self.amr = amr
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.familyExpiresAt = familyExpiresAt
        self.organizationID = organizationID
    }
}

/// One use of a refresh token: the replacement to store in its place and what the use may ask.
public struct RefreshRotationRequest: Sendable, Equatable {
    /// The presented token's digest.
    public var digest: [UInt8]
    /// The client presenting it; a token of another client is `.notFound`.
    public var clientID: String
    /// The replacement token's digest.
    public var replacementDigest: [UInt8]
    public var now: Date
    /// The replacement's idle expiry, before it is capped at the family's absolute expiry.
    public var replacementExpiresAt: Date
    /// Scopes the use asks for: each must be in the family's scope, else `.refused` (RFC 6749 §6
    /// allows narrowing only). Empty asks for the family's scope.
    public var requestedScopes: [String]

    public init(digest: [UInt8], clientID: String, replacementDigest: [UInt8], now: Date, replacementExpiresAt: Date,
                requestedScopes: [String]) {
        self.digest = digest
        self.clientID = clientID
        self.replacementDigest = replacementDigest
        self.now = now
        self.replacementExpiresAt = replacementExpiresAt
        self.requestedScopes = requestedScopes
    }
}

/// What happened when a refresh token was presented.
public enum RefreshRotation: Sendable, Equatable {
    /// The token is used up; the replacement (returned) is stored in the same family. When the
    /// family's scopes ask for organization claims (`OrganizationClaims.areRequested`), `claims`
    /// are the user's `MemberClaims` for the family's organization, read in the same step (one
    /// round trip for the whole refresh); otherwise nil, and nothing was read.
    case rotated(RefreshTokenRecord, claims: MemberClaims?)
    case notFound
    /// The token had been rotated already: the family is now revoked.
    case reused(familyID: UUID)
    case expired
    case revoked
    /// The replacement could not be made (the request asked for more than the family holds);
    /// nothing was changed.
    case refused
}
