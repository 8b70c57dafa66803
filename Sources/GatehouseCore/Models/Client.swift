import Foundation

/// A registered relying party. Confidential clients hold a secret (stored only as its SHA-256
/// digest); public clients (SPAs, native apps) have none and must use PKCE.
public struct Client: Sendable, Equatable {
    public var id: String
    public var secretDigest: [UInt8]?
    public var name: String
    public var redirectURIs: [String]
    public var postLogoutRedirectURIs: [String]
    public var grantTypes: [GrantType]
    /// Scopes the client may ask for; empty means the standard OpenID scopes.
    public var allowedScopes: [String]
    public var createdAt: Date
    /// Users must prove a second factor to sign in to this client (and enrol one if they have none).
    public var requireMFA: Bool

    public init(id: String, secretDigest: [UInt8]?, name: String, redirectURIs: [String], postLogoutRedirectURIs: [String] = [],
                grantTypes: [GrantType], allowedScopes: [String], createdAt: Date, requireMFA: Bool = false) {
        self.id = id
        self.secretDigest = secretDigest
        self.name = name
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.grantTypes = grantTypes
        self.allowedScopes = allowedScopes
        self.createdAt = createdAt
        self.requireMFA = requireMFA
    }

    public var isPublic: Bool { secretDigest == nil }

    public func allows(_ grant: GrantType) -> Bool { grantTypes.contains(grant) }

    /// The scopes this client may receive: its registered list, or the standard ones.
    public var permittedScopes: Set<String> {
        allowedScopes.isEmpty ? Scope.standard : Set(allowedScopes)
    }
}
