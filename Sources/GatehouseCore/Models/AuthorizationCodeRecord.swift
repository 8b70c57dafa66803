import Foundation

/// What an authorization code stands for (RFC 6749 §4.1.2). Stored by digest for 60 seconds.
public struct AuthorizationCodeRecord: Sendable, Codable, Equatable {
    public var clientID: String
    public var redirectURI: String
    public var userID: UUID
    public var scopes: [String]
    public var nonce: String?
    public var codeChallenge: String?
    public var sessionID: UUID
    public var authTime: Date
    public var amr: [String]
    public var issuedAt: Date

    public init(clientID: String, redirectURI: String, userID: UUID, scopes: [String], nonce: String?,
                codeChallenge: String?, sessionID: UUID, authTime: Date, amr: [String], issuedAt: Date) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.userID = userID
        self.scopes = scopes
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.sessionID = sessionID
        self.authTime = authTime
        self.amr = amr
        self.issuedAt = issuedAt
    }
}

/// Left in place of a consumed code: what its first use issued, so a second use can revoke it
/// (RFC 6749 §4.1.2, RFC 9700 §4.5).
public struct CodeUseMarker: Sendable, Codable, Equatable {
    public var accessTokenID: String
    public var accessTokenExpiresAt: Date
    public var refreshFamilyID: UUID?

    public init(accessTokenID: String, accessTokenExpiresAt: Date, refreshFamilyID: UUID?) {
        self.accessTokenID = accessTokenID
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.refreshFamilyID = refreshFamilyID
    }
}

/// The outcome of consuming a code atomically.
public enum CodeConsumption: Sendable, Equatable {
    case fresh(AuthorizationCodeRecord)
    case alreadyUsed(CodeUseMarker)
    case notFound
}
