import GatehouseCore
import Hummingbird

/// `POST /introspect` (RFC 7662 §2): form in, JSON out, `Cache-Control: no-store` (the answer
/// describes a live credential). For resource servers calling from their own servers: no CORS.
struct IntrospectionRoute {
    let dependencies: WebDependencies

    func register(on router: Router<GatehouseRequestContext>) {
        let introspection = dependencies.tokenIntrospection
        router.post("/introspect") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                let presented = try PresentedToken(form: form)
                let authorization = request.headers[.authorization]
                // Failed client authentication counts toward the same limits as at /token.
                let answer = try await dependencies.limitingClientAuthenticationFailures(context, form: form, authorization: authorization) {
                    try await introspection.handle(presented, credentials: try ClientCredentials(authorization: authorization, form: form))
                }
                return Responses.json(answer, noStore: true)
            } catch {
                return OAuthErrorResponse.response(for: error, logger: context.logger)
            }
        }
    }
}
