import Hummingbird
import HTTPTypes

/// Resolves the client's address once per request, before any route runs, so every limit and
/// record uses the same answer (`ClientAddressResolver`).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let resolver: ClientAddressResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientIP = resolver.resolve(peer: context.remoteAddress?.ipAddress,
                                            forwardedFor: request.headers[values: .xForwardedFor])
        context.rateLimitExempt = resolver.isExempt(context.clientIP)
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
