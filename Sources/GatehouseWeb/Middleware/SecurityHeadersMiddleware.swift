import GatehouseCore
import Hummingbird

/// Security headers on every response (OWASP Secure Headers): no framing, no sniffing, no
/// referrer leaks, a CSP allowing only our stylesheet and the one form-post script, and on an
/// https issuer HSTS (RFC 6797), so a browser that has been here once never again tries plain
/// http, where the first request (and the cookies of a careless proxy) could be read or rewritten.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let contentSecurityPolicy: String
    /// The `Strict-Transport-Security` value, nil on an http issuer (development on loopback,
    /// where browsers ignore it anyway and it would pin `localhost` to https).
    let strictTransportSecurity: String?

    /// Two years, the subdomains of the issuer's host included (hstspreload.org's minimum is one
    /// year; a shorter time only helps an attacker waiting for it to lapse).
    static let strictTransportSecurityValue = "max-age=63072000; includeSubDomains"

    /// The script that auto-submits a form_post response; allowed by its hash, nothing else.
    static let formPostScript = #"document.getElementById("response").submit()"#

    init(crypto: any CryptoPrimitives, https: Bool) {
        strictTransportSecurity = https ? Self.strictTransportSecurityValue : nil
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
        if let strictTransportSecurity { response.headers[.strictTransportSecurity] = strictTransportSecurity }
        return response
    }
}
