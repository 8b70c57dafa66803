import HTTPTypes
import Hummingbird

/// CORS for the endpoints single-page apps call directly: discovery, JWKS, token, userinfo and
/// revocation (DESIGN.md; a SPA revokes its own tokens when it signs out). `/authorize` and the
/// pages never answer CORS: they are for top-level browsing.
/// No credentials are allowed: these endpoints never read cookies.
struct APICORSMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext

    static let paths: Set<String> = [
        "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
        "/jwks.json", "/token", "/userinfo", "/revoke",
    ]

    /// What a cross-origin answer (not a preflight) carries, made once.
    static let answerFields = [
        HTTPField(name: .accessControlAllowOrigin, value: "*"),
        HTTPField(name: .accessControlExposeHeaders, value: "WWW-Authenticate"),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The header first: most requests carry no Origin, and it is cheaper to look up than the path.
        guard request.headers[.origin] != nil, Self.paths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        if request.method == .options {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "GET, POST, OPTIONS",
                .accessControlAllowHeaders: "Authorization, Content-Type",
                .accessControlMaxAge: "600",
            ])
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: Self.answerFields)   // no handler sets them itself
        return response
    }
}
