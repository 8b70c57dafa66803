import GatehouseCore
import Hummingbird

/// `POST /revoke` (RFC 7009 §2): the client authenticates as at `/token`; the answer is an
/// empty 200 whatever the token was (§2.2), errors only for the request itself (§2.2.1, in the
/// RFC 6749 §5.2 shape). CORS-enabled like `/token`, so single-page apps can sign out.
struct RevocationRoute {
    let dependencies: WebDependencies

    func register(on router: Router<GatehouseRequestContext>) {
        let revocation = dependencies.tokenRevocation
        router.post("/revoke") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                let presented = try PresentedToken(form: form)
                let authorization = request.headers[.authorization]
                // Failed client authentication counts toward the same limits as at /token.
                try await dependencies.limitingClientAuthenticationFailures(context, form: form, authorization: authorization) {
                    try await revocation.handle(presented, credentials: try ClientCredentials(authorization: authorization, form: form))
                }
                return Response(status: .ok, headers: [.cacheControl: "no-store", .pragma: "no-cache"])
            } catch {
                return OAuthErrorResponse.response(for: error, logger: context.logger)
            }
        }
        router.on("/revoke", method: .options) { _, _ in Response(status: .noContent) }
    }
}
