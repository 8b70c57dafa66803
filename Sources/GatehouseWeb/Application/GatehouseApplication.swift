public import Hummingbird
import Logging

/// Builds Gatehouse's HTTP router: the middleware every request needs, then each module's routes
/// (`GatehouseModules`). A module's own pipeline (page steps, audit context, JSON errors) runs
/// inside its collection, for its routes only.
public enum GatehouseApplication {
    public static func router(_ dependencies: WebDependencies) -> Router<GatehouseRequestContext> {
        routerAndAnswers(dependencies).router
    }

    /// The router, and the answers it makes before any request for `server(timeouts:answers:)`
    /// to give in the channel (the same answers: a key set reloaded reaches both).
    public static func routerAndAnswers(_ dependencies: WebDependencies)
        -> (router: Router<GatehouseRequestContext>, answers: PrecomputedAnswers) {
        let router = Router(context: GatehouseRequestContext.self)
        let modules = GatehouseModules(dependencies).all
        let securityHeaders = SecurityHeadersMiddleware(crypto: dependencies.crypto, https: dependencies.settings.issuer.hasPrefix("https://"))
        let precomputed = modules.flatMap { $0.precomputedRoutes(securityHeaders: securityHeaders.fields) }
        // The pipeline is decided per route group here, once, not per request: Hummingbird wraps
        // each route in the middleware added before it (and an unknown path in all of it).
        // Every route: the request metrics.
        router.add(middleware: RequestMetricsMiddleware())
        // Answers made before any request (discovery, the JWKS) carry their security and CORS
        // headers already and read nothing of the request but its Origin: nothing else runs.
        for route in precomputed {
            router.get(RouterPath(route.path)) { request, _ in route.answer().response(to: request) }
        }
        // Every other request, an unknown path's included: who it is from (before any limit reads
        // it), the security headers, CORS for the paths single-page apps call.
        router.add(middleware: ClientAddressMiddleware(resolver: dependencies.protection.clientAddresses))
        router.add(middleware: securityHeaders)
        router.add(middleware: APICORSMiddleware())
        for module in modules {
            router.addRoutes(module.routes)
        }
        return (router, PrecomputedAnswers(precomputed))
    }
}
