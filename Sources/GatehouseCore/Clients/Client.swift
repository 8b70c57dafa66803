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
    /// The organization that owns the client (its `client_admin`s manage it); nil: a platform client.
    public var organizationID: UUID?
    /// The secret a rotation replaced, still accepted until its time is up (a grace period in
    /// which the relying party deploys the new one); nil when none is.
    public var previousSecret: RetiredSecret?
    /// Shorter token lifetimes for this client than the server's (never longer: see `TokenLifetimes`).
    public var lifetimes: TokenLifetimes
    /// Counts the stored changes: an update names the revision it read, and a stale one is refused
    /// (`ETag`/`If-Match` at the API), so two administrators never overwrite each other silently.
    public var revision: Int64
    public var updatedAt: Date?
    /// The acting user; nil for the operator at the server's shell (or an author since erased).
    public var createdBy: UUID?
    public var updatedBy: UUID?

    public init(id: String, secretDigest: [UInt8]?, name: String, redirectURIs: [String], postLogoutRedirectURIs: [String] = [],
                grantTypes: [GrantType], allowedScopes: [String], createdAt: Date, requireMFA: Bool = false,
                organizationID: UUID? = nil, previousSecret: RetiredSecret? = nil, lifetimes: TokenLifetimes = TokenLifetimes(),
                revision: Int64 = 1, updatedAt: Date? = nil, createdBy: UUID? = nil, updatedBy: UUID? = nil) {
        self.id = id
        self.secretDigest = secretDigest
        self.name = name
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.grantTypes = grantTypes
        self.allowedScopes = allowedScopes
        self.createdAt = createdAt
        self.requireMFA = requireMFA
        self.organizationID = organizationID
        self.previousSecret = previousSecret
        self.lifetimes = lifetimes
        self.revision = revision
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.updatedBy = updatedBy
    }

    public var isPublic: Bool { secretDigest == nil }

    /// How the client is registered: public (no secret), a service (a secret and only
    /// `client_credentials`: no user ever signs in to it), or confidential.
    public var kind: Kind {
        if isPublic { return .public }
        return grantTypes == [.clientCredentials] ? .service : .confidential
    }

    public enum Kind: String, Sendable, CaseIterable {
        case confidential, `public`, service
    }

    public func allows(_ grant: GrantType) -> Bool { grantTypes.contains(grant) }

    /// The scopes this client may receive: its registered list, or the standard ones.
    public var permittedScopes: Set<String> {
        allowedScopes.isEmpty ? Scope.standard : Set(allowedScopes)
    }

    /// A replaced secret's digest and the end of its grace period.
    public struct RetiredSecret: Sendable, Equatable {
        public var digest: [UInt8]
        public var expiresAt: Date

        public init(digest: [UInt8], expiresAt: Date) {
            self.digest = digest
            self.expiresAt = expiresAt
        }
    }

    /// Per-client token lifetimes; nil: the server's. A client may shorten a lifetime, never
    /// lengthen it: revocation markers and the signing-key schedule are sized by the server's
    /// (`ProviderSettings`), so a longer token could outlive the marker that revokes it.
    public struct TokenLifetimes: Sendable, Equatable {
        public var accessToken: Duration?
        public var refreshTokenIdle: Duration?
        public var refreshTokenAbsolute: Duration?

        public init(accessToken: Duration? = nil, refreshTokenIdle: Duration? = nil, refreshTokenAbsolute: Duration? = nil) {
            self.accessToken = accessToken
            self.refreshTokenIdle = refreshTokenIdle
            self.refreshTokenAbsolute = refreshTokenAbsolute
        }
    }
}

extension ProviderSettings {
    /// The access-token lifetime for `client`: its own when set, capped at the server's.
    public func accessTokenLifetime(for client: Client) -> Duration {
        min(client.lifetimes.accessToken ?? accessTokenLifetime, accessTokenLifetime)
    }

    public func refreshTokenIdleLifetime(for client: Client) -> Duration {
        min(client.lifetimes.refreshTokenIdle ?? refreshTokenIdleLifetime, refreshTokenIdleLifetime)
    }

    public func refreshTokenAbsoluteLifetime(for client: Client) -> Duration {
        min(client.lifetimes.refreshTokenAbsolute ?? refreshTokenAbsoluteLifetime, refreshTokenAbsoluteLifetime)
    }
}
