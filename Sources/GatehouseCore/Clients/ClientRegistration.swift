import Foundation

/// What an administrator asks for when registering a client or changing one, before it is
/// judged (`ClientRegistration.judge`): the console, the API and the CLI all fill this in and
/// get the same answers.
public struct ClientRegistration: Sendable, Equatable {
    public var name: String
    public var kind: Client.Kind
    public var redirectURIs: [String]
    public var postLogoutRedirectURIs: [String]
    /// Empty: the kind's default (`authorization_code` and `refresh_token`, or
    /// `client_credentials` for a service).
    public var grantTypes: [GrantType]
    /// Empty: the standard OpenID scopes.
    public var scopes: [String]
    public var requireMFA: Bool
    public var lifetimes: Client.TokenLifetimes

    public init(name: String, kind: Client.Kind, redirectURIs: [String] = [], postLogoutRedirectURIs: [String] = [],
                grantTypes: [GrantType] = [], scopes: [String] = [], requireMFA: Bool = false,
                lifetimes: Client.TokenLifetimes = Client.TokenLifetimes()) {
        self.name = name
        self.kind = kind
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.grantTypes = grantTypes
        self.scopes = scopes
        self.requireMFA = requireMFA
        self.lifetimes = lifetimes
    }

    /// The registration of a stored client, to change a part of it and judge it again.
    public init(of client: Client) {
        self.init(name: client.name, kind: client.kind, redirectURIs: client.redirectURIs,
                  postLogoutRedirectURIs: client.postLogoutRedirectURIs, grantTypes: client.grantTypes,
                  scopes: client.allowedScopes, requireMFA: client.requireMFA, lifetimes: client.lifetimes)
    }

    /// Why a registration cannot be stored; each names the one thing to fix.
    public enum Problem: Error, Equatable, Sendable {
        case invalidName
        case tooManyValues(field: String)
        case unregistrableURI(String)
        case redirectURIRequired
        case publicClientCredentials
        case serviceGrants
        case serviceRedirects
        case invalidScope(String)
        /// A lifetime longer than the server's, or not a whole positive number of seconds.
        case invalidLifetime(field: String, maximum: Duration)
    }

    /// At most this many redirect URIs, post-logout URIs or scopes: a registration is read on
    /// every authorization, and nobody needs more.
    public static let maximumValues = 50

    /// The registration as it is stored: the name trimmed, defaults filled in, every value
    /// checked; or the first problem.
    public func judged(settings: ProviderSettings) throws(Problem) -> ClientRegistration {
        var judged = self
        guard let name = OrganizationNames.displayName(name) else { throw .invalidName }
        judged.name = name
        for (field, values) in [("redirect_uris", redirectURIs), ("post_logout_redirect_uris", postLogoutRedirectURIs),
                                ("scopes", scopes), ("grant_types", grantTypes.map(\.rawValue))]
        where values.count > Self.maximumValues {
            throw .tooManyValues(field: field)
        }
        let grants = unique(grantTypes.isEmpty ? (kind == .service ? [.clientCredentials] : [.authorizationCode, .refreshToken])
                                               : grantTypes)
        switch kind {
        case .public where grants.contains(.clientCredentials): throw .publicClientCredentials
        case .service where grants != [.clientCredentials]: throw .serviceGrants
        case .service where !redirectURIs.isEmpty || !postLogoutRedirectURIs.isEmpty: throw .serviceRedirects
        default: break
        }
        judged.grantTypes = grants
        if grants.contains(.authorizationCode) && redirectURIs.isEmpty { throw .redirectURIRequired }
        for uri in redirectURIs + postLogoutRedirectURIs where !RedirectURIPolicy.isRegistrable(uri) {
            throw .unregistrableURI(uri)
        }
        judged.redirectURIs = unique(redirectURIs)
        judged.postLogoutRedirectURIs = unique(postLogoutRedirectURIs)
        for scope in scopes where scope.isEmpty || Scope.parse(scope) != [scope] { throw .invalidScope(scope) }
        judged.scopes = unique(scopes)
        try Self.check(lifetimes.accessToken, "access_token", maximum: settings.accessTokenLifetime)
        try Self.check(lifetimes.refreshTokenIdle, "refresh_token_idle", maximum: settings.refreshTokenIdleLifetime)
        try Self.check(lifetimes.refreshTokenAbsolute, "refresh_token_absolute", maximum: settings.refreshTokenAbsoluteLifetime)
        return judged
    }

    private static func check(_ lifetime: Duration?, _ field: String, maximum: Duration) throws(Problem) {
        guard let lifetime else { return }
        guard lifetime > .zero, lifetime <= maximum, lifetime.components.attoseconds == 0 else {
            throw .invalidLifetime(field: field, maximum: maximum)
        }
    }

    private func unique<T: Equatable>(_ values: [T]) -> [T] {
        values.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}

extension ClientRegistration.Problem: CustomStringConvertible {
    /// One sentence naming what to fix, the same at the shell, in the API and on the console.
    public var description: String {
        switch self {
        case .invalidName: "the name must be 1 to 200 characters without control characters"
        case .tooManyValues(let field): "\(field) holds more than \(ClientRegistration.maximumValues) values"
        case .unregistrableURI(let uri):
            "\(uri.prefix(200)) cannot be registered: use an absolute https URI without fragment, http only on loopback, or a reverse-domain scheme for native apps"
        case .redirectURIRequired: "a redirect URI is required for the authorization_code grant"
        case .publicClientCredentials: "a public client cannot use client_credentials (it has no secret)"
        case .serviceGrants: "a service client uses the client_credentials grant only"
        case .serviceRedirects: "a service client has no redirect URIs (no user signs in to it)"
        case .invalidScope(let scope): "\(scope.prefix(100)) is not a scope (printable ASCII without spaces, quotes or backslashes)"
        case .invalidLifetime(let field, let maximum):
            "the \(field) lifetime must be a whole number of seconds from 1 to the server's \(maximum.components.seconds)"
        }
    }
}
