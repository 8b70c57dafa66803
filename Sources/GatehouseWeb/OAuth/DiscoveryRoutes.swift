import GatehouseCore
import Hummingbird

/// Discovery (OIDC Discovery §4, RFC 8414 §3) and the JWKS (RFC 7517 §5). Both are public,
/// cacheable for a short while and CORS-enabled.
struct DiscoveryRoutes {
    let issuer: String
    let signer: any TokenSigner

    func register(on routes: RouteCollection<GatehouseRequestContext>) {
        let discovery = Responses.json(DiscoveryDocument(issuer: issuer))
        let signer = self.signer
        for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
            routes.get(RouterPath(path)) { _, _ in
                var response = discovery
                response.headers[.cacheControl] = "public, max-age=300"
                return response
            }
        }
        routes.get("/jwks.json") { _, _ in
            var response = Responses.json(bytes: signer.jwksJSON())
            response.headers[.contentType] = "application/jwk-set+json"
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
    }
}
