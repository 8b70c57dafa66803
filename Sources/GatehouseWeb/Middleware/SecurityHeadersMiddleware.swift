import GatehouseCore
import Hummingbird

/// Security headers on every response (OWASP Secure Headers): no framing, no sniffing, no
/// referrer leaks, and a CSP allowing only our stylesheet and the one form-post script.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let contentSecurityPolicy: String

    /// The script that auto-submits a form_post response; allowed by its hash, nothing else.
    static let formPostScript = #"document.getElementById("response").submit()"#

    init(crypto: any CryptoPrimitives) {
        let scriptHash = Base64URL.encode(crypto.sha256(Self.formPostScript))
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padding = String(repeating: "=", count: (4 - scriptHash.count % 4) % 4)
        contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "script-src 'sha256-\(scriptHash)\(padding)'; base-uri 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }
}
