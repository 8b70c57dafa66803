import Hummingbird

/// Liveness (the process answers) and readiness (PostgreSQL and Redis answer), for load
/// balancers and orchestrators.
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
    }
}
