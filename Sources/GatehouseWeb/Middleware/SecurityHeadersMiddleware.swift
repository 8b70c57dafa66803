import GatehouseCore
import HTTPTypes
import Hummingbird

/// Security headers on every response (OWASP Secure Headers): no framing, no sniffing, no
/// referrer leaks, a CSP allowing only our stylesheet, the form-post script and the organization
/// page's live notice (each by its hash) and connections to ourselves, and on an
/// https issuer HSTS (RFC 6797), so a browser that has been here once never again tries plain
/// http, where the first request (and the cookies of a careless proxy) could be read or rewritten.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let contentSecurityPolicy: String
    /// The `Strict-Transport-Security` value, nil on an http issuer (development on loopback,
    /// where browsers ignore it anyway and it would pin `localhost` to https).
    let strictTransportSecurity: String?
    /// The headers as fields, made once: appended to every answer without building or checking
    /// a value per request, and baked into the answers made before any request (`PrecomputedAnswer`).
    let fields: [HTTPField]

    /// Two years, the subdomains of the issuer's host included (hstspreload.org's minimum is one
    /// year; a shorter time only helps an attacker waiting for it to lapse).
    static let strictTransportSecurityValue = "max-age=63072000; includeSubDomains"

    /// The script that auto-submits a form_post response; allowed by its hash, nothing else.
    static let formPostScript = #"document.getElementById("response").submit()"#

    init(crypto: any CryptoPrimitives, https: Bool) {
        strictTransportSecurity = https ? Self.strictTransportSecurityValue : nil
        let scripts = [Self.formPostScript, LiveNoticeScript.text, AuditTailScript.text, JobProgressScript.text].map { "'sha256-\(Self.base64(crypto.sha256($0)))'" }
        // connect-src: the organization page's notice and the audit page's tail read our own `/events`.
        contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "script-src \(scripts.joined(separator: " ")); connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
        var fields = [
            HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy),
            HTTPField(name: .xContentTypeOptions, value: "nosniff"),
            HTTPField(name: .referrerPolicy, value: "no-referrer"),
            HTTPField(name: .xFrameOptions, value: "DENY"),
        ]
        if let strictTransportSecurity { fields.append(HTTPField(name: .strictTransportSecurity, value: strictTransportSecurity)) }
        self.fields = fields
    }

    /// Standard base64 with padding, as CSP hash sources are written.
    static func base64(_ bytes: [UInt8]) -> String {
        let text = Base64URL.encode(bytes).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    }

    /// No handler sets these headers itself, so they are appended rather than looked up and replaced.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers.append(contentsOf: fields)
        return response
    }
}
