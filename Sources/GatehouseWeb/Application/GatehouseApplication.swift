public import Hummingbird
import Logging

/// Builds Gatehouse's HTTP router: the middleware every request needs, then each module's routes
/// (`GatehouseModules`). A module's own pipeline (page steps, audit context, JSON errors) runs
/// inside its collection, for its routes only.
public enum GatehouseApplication {
    public static func router(_ dependencies: WebDependencies) -> Router<GatehouseRequestContext> {
        let router = Router(context: GatehouseRequestContext.self)
        // Every request, an unknown path's included: who it is from (before any limit reads it),
        // the security headers, CORS for the paths single-page apps call, the request metrics.
        router.add(middleware: ClientAddressMiddleware(resolver: dependencies.protection.clientAddresses))
        router.add(middleware: SecurityHeadersMiddleware(crypto: dependencies.crypto, https: dependencies.settings.issuer.hasPrefix("https://")))
        router.add(middleware: APICORSMiddleware())
        router.add(middleware: MetricsMiddleware())
        for module in GatehouseModules(dependencies).all {
            router.addRoutes(module.routes)
        }
        return router
    }
}
