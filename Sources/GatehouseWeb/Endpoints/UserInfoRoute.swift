import GatehouseCore
import Hummingbird

/// `GET`/`POST /userinfo` (OIDC Core §5.3). The access token comes in the Authorization header
/// (RFC 6750 §2.1) or, for POST, the form body (§2.2) — never both, never the query string.
struct UserInfoRoute {
    let dependencies: WebDependencies

    func register(on router: Router<GatehouseRequestContext>) {
        let endpoint = dependencies.userInfo
        router.get("/userinfo") { request, context in
            await respond(request, context: context, endpoint: endpoint, form: nil)
        }
        router.post("/userinfo") { request, context in
            let form: RequestParameters?
            if request.headers[.contentType] != nil {
                do {
                    form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                } catch let error as WebInputError {
                    return OAuthErrorResponse.bearerResponse(for: OAuthError(.invalidRequest, error.reason), logger: context.logger)
                } catch {
                    return OAuthErrorResponse.bearerResponse(for: error, logger: context.logger)
                }
            } else {
                form = nil
            }
            return await respond(request, context: context, endpoint: endpoint, form: form)
        }
        router.on("/userinfo", method: .options) { _, _ in Response(status: .noContent) }
    }

    func respond(_ request: Request, context: GatehouseRequestContext, endpoint: UserInfo, form: RequestParameters?) async -> Response {
        let header = request.headers[.authorization]
        let bodyToken = form?["access_token"]
        let token: String
        switch (header, bodyToken) {
        case (.some, .some):
            return OAuthErrorResponse.bearerResponse(for: OAuthError(.invalidRequest, "send the access token once, not in two places"),
                                                     logger: context.logger)
        case (.some(let value), nil):
            guard value.count > 7, value.prefix(7).lowercased() == "bearer " else {
                return OAuthErrorResponse.bearerResponse(for: OAuthError(.invalidRequest, "the Authorization header must use the Bearer scheme"),
                                                         logger: context.logger)
            }
            token = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        case (nil, .some(let value)):
            token = value
        case (nil, nil):
            return OAuthErrorResponse.bearerChallenge()
        }
        do {
            return Responses.json(try await endpoint.claims(accessToken: token), noStore: true)
        } catch {
            return OAuthErrorResponse.bearerResponse(for: error, logger: context.logger)
        }
    }
}
