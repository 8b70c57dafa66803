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
    /// The sign-in's active organization (issue 10): the tokens, and the refresh token's whole
    /// family, act for it. Nil: none (a user without memberships).
    public var organizationID: UUID?
    /// The administrator acting as the user when the code was issued in a support session
    /// (`SupportSignIn`): the tokens carry `act` naming them, and the session is checked again
    /// at the exchange. Nil for the user's own sign-in (nothing more happens at the exchange).
    public var impersonatorID: UUID?

    public init(clientID: String, redirectURI: String, userID: UUID, scopes: [String], nonce: String?,
                codeChallenge: String?, sessionID: UUID, authTime: Date, amr: [String], issuedAt: Date,
                organizationID: UUID? = nil, impersonatorID: UUID? = nil) {
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
        self.organizationID = organizationID
        self.impersonatorID = impersonatorID
    }
}

/// What a code is bound to (RFC 6749 §4.1.3, RFC 7636 §4.6): the client it was issued to, the
/// redirect URI of the authorization request and its PKCE challenge. A token request presents
/// the same three (the challenge as `BASE64URL(SHA256(code_verifier))`), and the store consumes
/// the code only when all three match, so a request that cannot redeem the code cannot burn it.
public struct CodeBinding: Sendable, Codable, Equatable {
    public var clientID: String
    public var redirectURI: String
    /// nil: the authorization request had no challenge (and the token request sent no verifier).
    public var codeChallenge: String?

    public init(clientID: String, redirectURI: String, codeChallenge: String?) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.codeChallenge = codeChallenge
    }
}

extension AuthorizationCodeRecord {
    public var binding: CodeBinding {
        CodeBinding(clientID: clientID, redirectURI: redirectURI, codeChallenge: codeChallenge)
    }
}

/// Left in place of a consumed code: what its first use issued, so a second use can revoke it
/// (RFC 6749 §4.1.2, RFC 9700 §4.5), and the binding the first use proved, so only a request
/// that could have redeemed the code counts as its second use.
///
/// The grant id is chosen before the code is consumed and names everything the exchange
/// issues: the access tokens carry it (`grant_id`) and the refresh-token family is that id. A
/// second use revokes the grant as a whole, so what the first use is still issuing while the
/// second arrives is revoked too.
public struct CodeUseMarker: Sendable, Codable, Equatable {
    public var clientID: String
    public var redirectURI: String
    public var codeChallenge: String?
    public var accessTokenID: String
    public var accessTokenExpiresAt: Date
    public var grantID: UUID

    public init(binding: CodeBinding, accessTokenID: String, accessTokenExpiresAt: Date, grantID: UUID) {
        self.clientID = binding.clientID
        self.redirectURI = binding.redirectURI
        self.codeChallenge = binding.codeChallenge
        self.accessTokenID = accessTokenID
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.grantID = grantID
    }

    public var binding: CodeBinding {
        CodeBinding(clientID: clientID, redirectURI: redirectURI, codeChallenge: codeChallenge)
    }
}

/// The outcome of presenting a code to the store.
public enum CodeConsumption: Sendable, Equatable {
    /// The code was live and the binding matched: it is consumed now (replaced by the marker).
    case fresh(AuthorizationCodeRecord)
    /// The code was consumed before and this request presented the same binding: a second use.
    case alreadyUsed(CodeUseMarker)
    /// The binding did not match what is stored (the code's or the marker's, given here):
    /// nothing was changed.
    case mismatch(CodeBinding)
    case notFound
}
