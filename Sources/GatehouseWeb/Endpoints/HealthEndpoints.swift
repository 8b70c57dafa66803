import Hummingbird

/// Liveness (the process answers), readiness (PostgreSQL and Redis answer) and Prometheus
/// metrics, for load balancers, orchestrators and monitoring.
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
            router.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                         body: .init(byteBuffer: .init(bytes: exposition())))
            }
        }
    }
}
