import Hummingbird

/// Liveness (the process answers), readiness (PostgreSQL and Redis answer) and Prometheus
/// metrics, for load balancers, orchestrators and monitoring. Metrics only for the scrapers
/// `MetricsAccess` admits; anyone else gets the same 404 as an unknown path.
struct HealthEndpoints {
    let dependencies: WebDependencies

    struct Readiness: Encodable {
        let status: String
        let checks: [String: String]
    }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/health/live") { _, _ in Responses.text("ok") }
        let checks = dependencies.readinessChecks
        router.get("/health/ready") { _, _ in
            var results: [String: String] = [:]
            for (name, check) in checks {
                results[name] = await check() ? "ok" : "unreachable"
            }
            let ready = results.values.allSatisfy { $0 == "ok" }
            return Responses.json(Readiness(status: ready ? "ok" : "unavailable", checks: results),
                                  status: ready ? .ok : .serviceUnavailable, noStore: true)
        }
        if let exposition = dependencies.metricsExposition {
            let access = dependencies.web.metricsAccess
            let resolver = dependencies.protection.clientAddresses
            let crypto = dependencies.crypto
            router.get("/metrics") { request, context in
                guard access.permits(request, context: context, resolver: resolver, crypto: crypto) else {
                    throw HTTPError(.notFound)
                }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                         body: .init(byteBuffer: .init(bytes: exposition())))
            }
        }
    }
}
