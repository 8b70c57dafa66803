import GatehouseCore
import Hummingbird

/// `POST /token` (RFC 6749 §3.2): form in, JSON out, `Cache-Control: no-store` (§5.1). The form
/// becomes a `TokenRequest`, and the Authorization header and form `ClientCredentials`, before
/// Core sees them; the request's own fields are checked first.
struct TokenRoute {
    let grants: TokenGrants

    func register(on routes: OAuthRoutes) {
        let grants = self.grants
        routes.clientPost("/token", failed: { Telemetry.grant("any", outcome: $0.rawValue) }) { client, _ in
            let tokenRequest = try TokenRequest(form: client.form)
            let response = try await grants.handle(tokenRequest, credentials: try client.credentials())
            Telemetry.grant(tokenRequest.grantType.rawValue, outcome: "issued")
            return Responses.json(bytes: response.jsonBytes, noStore: true)
        }
        routes.preflight("/token")
    }
}
