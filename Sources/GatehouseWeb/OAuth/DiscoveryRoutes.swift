import GatehouseCore
import HTTPTypes
import Hummingbird

/// Discovery (OIDC Discovery §4, RFC 8414 §3) and the JWKS (RFC 7517 §5). Both are public,
/// cacheable for a short while and CORS-enabled. Their answers are made before any request
/// (`PrecomputedAnswer`): the discovery document once, the JWKS again whenever the key set
/// changes (`RotatingSigner.reload`, every `GATEHOUSE_KEYS_RELOAD_INTERVAL`).
struct DiscoveryRoutes {
    let issuer: String
    let signer: any TokenSigner

    static let discoveryPaths = ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]
    static let jwksPath = "/jwks.json"
    static let cacheControl = "public, max-age=300"

    func routes(securityHeaders: [HTTPField]) -> [PrecomputedRoute] {
        let discovery = PrecomputedAnswer(body: Responses.jsonBytes(DiscoveryDocument(issuer: issuer)), contentType: "application/json",
                                          cacheControl: Self.cacheControl, securityHeaders: securityHeaders)
        let signer = self.signer
        let jwks = ChangingAnswer(body: { signer.jwksJSON() }) { body in
            PrecomputedAnswer(body: body, contentType: "application/jwk-set+json", cacheControl: Self.cacheControl,
                              securityHeaders: securityHeaders)
        }
        return Self.discoveryPaths.map { PrecomputedRoute(path: $0, answer: { discovery }) }
            + [PrecomputedRoute(path: Self.jwksPath, answer: jwks.answer)]
    }
}
