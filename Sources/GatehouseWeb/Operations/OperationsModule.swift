import GatehouseCore
import Hummingbird

/// What the server itself serves, apart from any feature: health and readiness, the metrics
/// (for scrapers `MetricsAccess` admits), and the one stylesheet every page links to. No page or
/// protocol middleware: nothing here reads a form, a session or a client.
struct OperationsModule: WebModule {
    struct Dependencies: Sendable {
        /// Readiness checks by name (PostgreSQL, Redis) for `/health/ready`.
        let readinessChecks: [String: @Sendable () async -> Bool]
        /// The Prometheus text exposition for `/metrics` (nil: no metrics endpoint).
        let metricsExposition: (@Sendable () -> [UInt8])?
        let metricsAccess: MetricsAccess
        let clientAddresses: ClientAddressResolver
        let crypto: any CryptoPrimitives
        /// `/static/gatehouse.css`, as `PageRenderer` loaded it.
        let stylesheet: String
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        HealthRoutes(dependencies: dependencies).register(on: routes)
        let stylesheet = dependencies.stylesheet
        routes.get("/static/gatehouse.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: .init(string: stylesheet)))
        }
        return routes
    }
}
