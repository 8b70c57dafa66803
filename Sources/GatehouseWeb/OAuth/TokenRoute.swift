import GatehouseCore
import Hummingbird

/// `POST /token` (RFC 6749 §3.2): form in, JSON out, `Cache-Control: no-store` (§5.1).
struct TokenRoute {
    let grants: TokenGrants

    func register(on routes: OAuthRoutes) {
        let grants = self.grants
        routes.clientPost("/token", failed: { Telemetry.grant("any", outcome: $0.rawValue) }) { request, _, form in
            let response = try await grants.handle(form: form, authorizationHeader: request.headers[.authorization])
            Telemetry.grant(form["grant_type"] ?? "none", outcome: "issued")
            return Responses.json(bytes: response.jsonBytes, noStore: true)
        }
        routes.preflight("/token")
    }
}
