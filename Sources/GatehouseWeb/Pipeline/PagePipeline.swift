import GatehouseCore
import Hummingbird

/// The steps every page shares, run here once instead of in each handler: read a POST's form
/// (`FormBody`: size limit, bad bytes refused), check that it came from our own page (CSRF),
/// count it against a per-address limit when the route has one, find the signed-in account for
/// account pages (else off to `/login`), and turn any error a handler throws into a page
/// (`PageResponder.failure`: 400, 403, 413, 429, 503 or a fixed 500). A page handler states only
/// what it does. One pipeline is shared by every page module (`GatehouseModules`).
struct PagePipeline: Sendable {
    let responder: PageResponder
    let csrf: CSRFProtection
    let cookies: IssuerCookies
    let sessions: BrowserSessions
    /// Whether a support session may still be used (asked on every request that carries one).
    let support: SupportSignIn
    let users: any UserStore
    /// Per-address limits of the routes that name one (`RateLimitedAction`).
    let rateLimits: NetworkRateLimiter
    /// argon2 outside sign-in, admitted per address and per account before the first hash.
    let passwordWork: PasswordWorkLimiter
    let maxFormBytes: Int

    typealias Handler = @Sendable (PageRequest) async throws -> Response
    typealias AccountHandler = @Sendable (PageRequest, SignedInAccount) async throws -> Response

    /// Who may send a page's form.
    enum FormOrigin: Sendable {
        /// Only one of Gatehouse's own pages: the form's CSRF token must verify, bound as `scope` says.
        case gatehousePage(CSRFProtection.Scope)
        /// A relying party's page (`POST /authorize`, RFC 6749 §3.1): no token can exist, and the
        /// route must treat the form as no more than the same request by GET.
        case relyingParty
        /// A relying party's page (no token), or — when the form carries `field` — Gatehouse's own
        /// confirmation, whose token must verify (`POST /logout`, RP-Initiated Logout 1.0 §2).
        case relyingPartyOrConfirmation(field: String, scope: CSRFProtection.Scope)

        /// The usual case: our own page, the token bound to the sign-in state.
        static let gatehousePage = FormOrigin.gatehousePage(.signInState)
    }

    func get(_ request: Request, _ context: GatehouseRequestContext, _ handler: Handler) async -> Response {
        await answering(request) { support in
            try await handler(PageRequest(request: request, context: context, form: RequestParameters([]), pipeline: self, support: support))
        }
    }

    func post(_ request: Request, _ context: GatehouseRequestContext, from origin: FormOrigin, limit: RateLimitedAction?,
              _ handler: Handler) async -> Response {
        await answering(request) { support in
            let form = try await FormBody.read(request, limit: maxFormBytes)
            guard isSent(form, of: request, from: origin) else { return responder.csrfFailure() }
            // Counted before any work: a flood is refused (429) without touching a store.
            if let limit { try await rateLimits.reserve(limit, from: context.origin) }
            return try await handler(PageRequest(request: request, context: context, form: form, pipeline: self, support: support))
        }
    }

    /// An account page's GET: the signed-in account, or a redirect to sign in. In a support
    /// session only what `SupportSignInRules.permits` (looking, by default).
    func accountGet(_ request: Request, _ context: GatehouseRequestContext, use: SupportSignInRules.SelfService,
                    _ handler: AccountHandler) async -> Response {
        await get(request, context) { page in
            guard let account = try await signedIn(page) else { return Responses.seeOther("/login") }
            if account.session.support != nil, !SupportSignInRules.permits(use) { return refusedInSupportSession() }
            return try await handler(page, account)
        }
    }

    /// An account page's action: our own form, the signed-in account (else a redirect to sign in),
    /// and — when the form carries the current password, so the action will run argon2 (up to
    /// `historyCount + 2` hashes for a new password) — that work admitted per address and per
    /// account before it runs (`PasswordWorkLimiter`).
    /// In a support session only what `SupportSignInRules.permits` (nothing, unless the route
    /// says otherwise: the default is `.sensitive`).
    func accountPost(_ request: Request, _ context: GatehouseRequestContext, use: SupportSignInRules.SelfService,
                     _ handler: AccountHandler) async -> Response {
        await post(request, context, from: .gatehousePage, limit: nil) { page in
            guard let account = try await signedIn(page) else { return Responses.seeOther("/login") }
            if account.session.support != nil, !SupportSignInRules.permits(use) { return refusedInSupportSession() }
            // Actions hash only a password that was sent: charge exactly those.
            if page.form["current_password"] != nil {
                try await passwordWork.admit(.user(account.user.id), from: page.origin)
            }
            return try await handler(page, account)
        }
    }

    /// The live session and its user, or nil when the browser is signed out.
    func signedIn(_ page: PageRequest) async throws -> SignedInAccount? {
        guard let session = try await page.session(), let user = try await users.find(id: session.userID) else { return nil }
        return SignedInAccount(session: session, user: user)
    }

    private func isSent(_ form: RequestParameters, of request: Request, from origin: FormOrigin) -> Bool {
        switch origin {
        case .gatehousePage(let scope):
            return csrf.isValid(request, form: form, scope: scope)
        case .relyingParty:
            return true
        case .relyingPartyOrConfirmation(let field, let scope):
            return form[field] == nil || csrf.isValid(request, form: form, scope: scope)
        }
    }

    /// The page for what a support session may not do on the user's own pages.
    func refusedInSupportSession() -> Response {
        responder.error(title: "Not during a support session",
                        message: "Passwords, second factors, the email address, API keys, exporting or deleting the account and signing out elsewhere are for the user alone. End the support session to go back to your own account.",
                        status: .forbidden)
    }

    /// A POST whose body its route reads itself (the console's multipart import form, `ImportPage`),
    /// with the support session read and errors answered here as for every page; the route checks
    /// the form's CSRF token before it does anything.
    func ownBody(_ request: Request, _ body: (BrowserSession?) async throws -> Response) async -> Response {
        await answering(request, body)
    }

    /// The one place a page's error becomes a page. A browser that carries a support session has
    /// it read (and its rule asked) once, here; its pages render with the banner
    /// (`PageChrome.current`), and a cookie of one that ended is expired.
    private func answering(_ request: Request, _ body: (BrowserSession?) async throws -> Response) async -> Response {
        let cookie = cookies.value(BrowserCookies.support, in: request)
        do {
            var support: BrowserSession?
            var chrome: PageChrome?
            if let cookie {
                support = try await liveSupportSession(cookie)
                if let support { chrome = try await PageChrome(support: support, request: request, pipeline: self) }
            }
            var response = await PageChrome.$current.withValue(chrome) {
                do {
                    return try await body(support)
                } catch {
                    return responder.failure(error)
                }
            }
            if cookie != nil, support == nil { cookies.expire(BrowserCookies.support, on: &response) }
            if let csrf = chrome?.csrfCookie { response.setCookieUnlessSet(csrf) }
            return response
        } catch {
            return responder.failure(error)
        }
    }

    /// The support session behind `cookie`, if it may still be used.
    private func liveSupportSession(_ cookie: String?) async throws -> BrowserSession? {
        guard let session = try await sessions.find(cookie: cookie), session.support != nil,
              try await support.admits(session) else { return nil }
        return session
    }
}

/// A module's page routes, each run through the `PagePipeline`. The module's collection gets the
/// middleware pages need (the request's address and user agent for audit events) and nothing else.
struct PageRoutes {
    let collection = RouteCollection(context: GatehouseRequestContext.self)
    let pipeline: PagePipeline

    init(_ pipeline: PagePipeline) {
        self.pipeline = pipeline
        collection.add(middleware: AuditRequestMiddleware())
    }

    func get(_ path: RouterPath, _ handler: @escaping PagePipeline.Handler) {
        collection.get(path) { [pipeline] request, context in await pipeline.get(request, context, handler) }
    }

    func post(_ path: RouterPath, from origin: PagePipeline.FormOrigin = .gatehousePage, limit: RateLimitedAction? = nil,
              _ handler: @escaping PagePipeline.Handler) {
        collection.post(path) { [pipeline] request, context in
            await pipeline.post(request, context, from: origin, limit: limit, handler)
        }
    }

    /// A signed-in page; `use` says what it does, for a support session (looking, unless told).
    func accountGet(_ path: RouterPath, use: SupportSignInRules.SelfService = .viewing, _ handler: @escaping PagePipeline.AccountHandler) {
        collection.get(path) { [pipeline] request, context in await pipeline.accountGet(request, context, use: use, handler) }
    }

    /// A signed-in action; refused in a support session unless `use` says it is not sensitive.
    func accountPost(_ path: RouterPath, use: SupportSignInRules.SelfService = .sensitive, _ handler: @escaping PagePipeline.AccountHandler) {
        collection.post(path) { [pipeline] request, context in await pipeline.accountPost(request, context, use: use, handler) }
    }
}
