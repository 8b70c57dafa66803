import GatehouseCore
import Hummingbird

/// `GET`/`POST /userinfo` (OIDC Core §5.3). The access token comes in the Authorization header
/// (RFC 6750 §2.1) or, for POST, the form body (§2.2) — never both, never the query string.
struct UserInfoRoute {
    let userInfo: UserInfo
    let maxFormBytes: Int

    func register(on routes: OAuthRoutes) {
        routes.protectedResource("/userinfo", method: .get) { request, _ in
            try await respond(request, form: nil)
        }
        routes.protectedResource("/userinfo", method: .post) { request, _ in
            let form = request.headers[.contentType] == nil ? nil : try await FormBody.read(request, limit: maxFormBytes)
            return try await respond(request, form: form)
        }
        routes.preflight("/userinfo")
    }

    func respond(_ request: Request, form: RequestParameters?) async throws -> Response {
        let header = request.headers[.authorization]
        let bodyToken = form?["access_token"]
        let token: String
        switch (header, bodyToken) {
        case (.some, .some):
            throw OAuthError(.invalidRequest, .accessTokenSentTwice)
        case (.some(let value), nil):
            token = try BearerAuthorization.requiredToken(value)
        case (nil, .some(let value)):
            token = value
        case (nil, nil):
            return OAuthErrorResponse.bearerChallenge()
        }
        return Responses.json(try await userInfo.claims(accessToken: token), noStore: true)
    }
}
