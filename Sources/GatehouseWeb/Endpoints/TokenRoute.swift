import GatehouseCore
import Hummingbird

/// `POST /token` (RFC 6749 §3.2): form in, JSON out, `Cache-Control: no-store` (§5.1).
struct TokenRoute {
    let dependencies: WebDependencies

    func register(on router: Router<GatehouseRequestContext>) {
        let endpoint = dependencies.tokenEndpoint
        router.post("/token") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                let response = try await dependencies.limitingClientAuthenticationFailures(context, form: form, authorization: request.headers[.authorization]) {
                    try await endpoint.handle(form: form, authorizationHeader: request.headers[.authorization])
                }
                Telemetry.grant(form["grant_type"] ?? "none", outcome: "issued")
                return Responses.json(bytes: response.jsonBytes, noStore: true)
            } catch {
                let response = OAuthErrorResponse.response(for: error, logger: context.logger)
                Telemetry.grant("any", outcome: OAuthErrorResponse.oauthError(error, logger: nil).code.rawValue)
                return response
            }
        }
        router.on("/token", method: .options) { _, _ in Response(status: .noContent) }
    }
}
