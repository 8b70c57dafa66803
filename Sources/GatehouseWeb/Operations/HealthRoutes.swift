import GatehouseCore
import Hummingbird

/// Liveness (the process answers), readiness (PostgreSQL and Redis answer) and Prometheus
/// metrics, for load balancers, orchestrators and monitoring. Metrics only for the scrapers
/// `MetricsAccess` admits; anyone else gets the same 404 as an unknown path.
struct HealthRoutes {
    let dependencies: OperationsModule.Dependencies

    struct Readiness: Encodable {
        let status: String
        let checks: [String: String]
    }

    func register(on routes: RouteCollection<GatehouseRequestContext>) {
        routes.get("/health/live") { _, _ in Responses.text("ok") }
        let checks = dependencies.readinessChecks
        routes.get("/health/ready") { _, _ in
            var results: [String: String] = [:]
            for (name, check) in checks {
                results[name] = await check() ? "ok" : "unreachable"
            }
            let ready = results.values.allSatisfy { $0 == "ok" }
            return Responses.json(Readiness(status: ready ? "ok" : "unavailable", checks: results),
                                  status: ready ? .ok : .serviceUnavailable, noStore: true)
        }
        if let exposition = dependencies.metricsExposition {
            let access = dependencies.metricsAccess
            let resolver = dependencies.clientAddresses
            let crypto = dependencies.crypto
            routes.get("/metrics") { request, context in
                guard access.permits(request, context: context, resolver: resolver, crypto: crypto) else {
                    throw HTTPError(.notFound)
                }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                         body: .init(byteBuffer: .init(bytes: exposition())))
            }
        }
    }
}
