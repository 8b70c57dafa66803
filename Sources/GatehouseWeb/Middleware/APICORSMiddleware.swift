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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.paths.contains(request.uri.path), request.headers[.origin] != nil else {
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
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.accessControlExposeHeaders] = "WWW-Authenticate"
        return response
    }
}
