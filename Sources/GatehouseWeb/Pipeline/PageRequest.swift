import GatehouseCore
import Hummingbird

/// One request to a page, as `PagePipeline` hands it to a handler: a POST's form already read
/// (within the size limit, bad bytes refused) and its CSRF token checked, and the browser's state
/// read through one place — cookies under this issuer's names, the session, a CSRF token for the
/// page's own forms.
struct PageRequest: Sendable {
    let request: Request
    let context: GatehouseRequestContext
    /// The form of a POST; empty for a GET.
    let form: RequestParameters
    let pipeline: PagePipeline
    /// The browser's live support session (`gh_support`), read once by the pipeline; nil for
    /// nearly every request (no cookie, no query).
    let support: BrowserSession?

    /// The query string's parameters. Read when a page asks (a page that ignores its query never
    /// refuses a malformed one); a malformed query is a `WebInputError` (400).
    var query: RequestParameters {
        get throws { try FormBody.query(request) }
    }

    /// Where the request comes from, as Core's per-address limits take it.
    var origin: ClientOrigin { context.origin }

    /// This browser's value of one of our cookies.
    func cookie(_ cookie: BrowserCookie) -> String? {
        pipeline.cookies.value(cookie, in: request)
    }

    /// The browser's live session; nil when it is signed out (or sent no cookie: a cross-site POST
    /// arrives without the SameSite=Lax cookie). A live support session comes first: while it
    /// lives the browser is the user's (the administrator's own session waits behind it).
    func session() async throws -> BrowserSession? {
        if let support { return support }
        return try await pipeline.sessions.find(cookie: cookie(BrowserCookies.session))
    }

    /// A CSRF token for the forms of the page answering this request (forms for the pending
    /// authorization request `requestID`, if they carry one), with the cookie to set alongside.
    func csrfToken(requestID: String? = nil, scope: CSRFProtection.Scope = .signInState) -> IssuedCSRFToken {
        pipeline.csrf.issue(for: request, requestID: requestID, scope: scope)
    }
}

/// The signed-in browser of an account page: its live session and the session's user.
struct SignedInAccount: Sendable {
    let session: BrowserSession
    let user: User
}
