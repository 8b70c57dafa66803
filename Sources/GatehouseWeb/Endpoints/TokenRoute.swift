import GatehouseCore
import Hummingbird

/// `POST /token` (RFC 6749 §3.2): form in, JSON out, `Cache-Control: no-store` (§5.1). The form
/// becomes a `TokenRequest` and the Authorization header and form `ClientCredentials` before Core
/// sees them.
struct TokenRoute {
    let dependencies: WebDependencies

    func register(on router: Router<GatehouseRequestContext>) {
        let endpoint = dependencies.tokenEndpoint
        router.post("/token") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                let tokenRequest = try TokenRequest(form: form)
                let authorization = request.headers[.authorization]
                let response = try await dependencies.limitingClientAuthenticationFailures(context, form: form, authorization: authorization) {
                    try await endpoint.handle(tokenRequest, credentials: try ClientCredentials(authorization: authorization, form: form))
                }
                Telemetry.grant(tokenRequest.grantType.rawValue, outcome: "issued")
                return Responses.json(bytes: response.jsonBytes, noStore: true)
            } catch {
                let response = OAuthErrorResponse.response(for: error, logger: context.logger)
                Telemetry.grant("any", outcome: OAuthErrorResponse.wire(error, logger: nil).code.rawValue)
                return response
            }
        }
        router.on("/token", method: .options) { _, _ in Response(status: .noContent) }
    }
}
