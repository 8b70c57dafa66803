import GatehouseCore
import HTTPTypes
import Hummingbird

/// The OAuth 2.0 / OpenID Connect endpoints that relying parties and resource servers call, rather
/// than browsers: discovery and the JWKS (answers made before any request, no middleware but the
/// request metrics: `precomputedRoutes`), then `/token`,
/// `/revoke`, `/introspect` and `/userinfo` on the `OAuthRoutes` pipeline. (The browser's side,
/// `/authorize` and `/logout`, is `SignInModule`'s.) Token, userinfo, discovery and the JWKS are
/// benchmarked (`bench/run`): every Core service here is built once, never per request.
struct OAuthModule: WebModule {
    /// What the OAuth endpoints may use, and nothing more.
    struct Dependencies: Sendable {
        let issuer: String
        /// The signing keys, for the JWKS.
        let signer: any TokenSigner
        let grants: TokenGrants
        let userInfo: UserInfo
        let revocation: TokenRevocation
        let introspection: TokenIntrospection
        let clientAuthentication: ClientAuthenticationLimit
        let maxFormBytes: Int
    }

    let dependencies: Dependencies

    /// Discovery and the JWKS: made before any request, no middleware of their own.
    func precomputedRoutes(securityHeaders: [HTTPField]) -> [PrecomputedRoute] {
        DiscoveryRoutes(issuer: dependencies.issuer, signer: dependencies.signer).routes(securityHeaders: securityHeaders)
    }

    var routes: RouteCollection<GatehouseRequestContext> {
        let collection = RouteCollection(context: GatehouseRequestContext.self)
        // These routes may record audit events (a reused code, a revocation): they get the
        // request's address and user agent.
        collection.add(middleware: AuditRequestMiddleware())
        let routes = OAuthRoutes(collection: collection, maxFormBytes: dependencies.maxFormBytes,
                                 clientAuthentication: dependencies.clientAuthentication)
        TokenRoute(grants: dependencies.grants).register(on: routes)
        UserInfoRoute(userInfo: dependencies.userInfo, maxFormBytes: dependencies.maxFormBytes).register(on: routes)
        RevocationRoute(revocation: dependencies.revocation).register(on: routes)
        IntrospectionRoute(introspection: dependencies.introspection).register(on: routes)
        return collection
    }
}
