import GatehouseCore
import Hummingbird

/// `GET`/`POST /logout`: RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), advertised
/// as `end_session_endpoint`. `EndSessionPolicy` decides; this turns its answer into HTTP: a
/// confirmation page, a 303 back to a verified `post_logout_redirect_uri` with `state`, or the
/// "signed out" page.
///
/// Ending a browser session leaves the user's refresh tokens alone: they belong to apps that
/// asked for offline access and have their own sign-out (`/revoke`); "sign out everywhere" on
/// the account page is the way to end those too.
struct LogoutEndpoint {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/logout") { request, _ in
            do {
                let parameters = EndSessionRequest(parameters: try FormBody.query(request))
                // A top-level GET carries the Lax session cookie: no live session means none.
                let browser: EndSessionBrowser = try await session(request).map { .signedIn($0) } ?? .signedOut
                return try await respond(request, parameters, browser: browser, confirmed: false)
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/logout") { request, _ in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                // Our own confirmation form must prove it came from our page; a client's form post
                // carries no token and is only ever answered with that page.
                let confirmed = form["confirm"] != nil
                if confirmed, !csrf.isValid(request, form: form, scope: .browser) { return responder.csrfFailure() }
                let browser: EndSessionBrowser
                if let live = try await session(request) {
                    browser = .signedIn(live)
                } else {
                    // A cross-site POST arrives without the Lax cookie: "no session", so ask (DESIGN.md).
                    browser = dependencies.cookie(BrowserCookies.session, in: request) == nil ? .unknown : .signedOut
                }
                return try await respond(request, EndSessionRequest(parameters: form), browser: browser, confirmed: confirmed)
            } catch {
                return responder.failure(error)
            }
        }
    }

    func respond(_ request: Request, _ parameters: EndSessionRequest, browser: EndSessionBrowser, confirmed: Bool) async throws -> Response {
        switch try await dependencies.endSession.evaluate(parameters, browser: browser, confirmed: confirmed) {
        case .confirm:
            return try await confirmPage(request, parameters, browser: browser)
        case .signOut(let redirect, let state, let clientID):
            if case .signedIn(let session) = browser {
                try await dependencies.browserSessions.end(session)
                await dependencies.recordAudit(.signedOut, subject: session.userID, clientID: clientID,
                                               details: ["session_id": session.id.uuidString.lowercased(),
                                                         "via": confirmed ? "confirmation" : "id_token_hint"])
            }
            var response: Response
            if let redirect {
                response = Responses.seeOther(FormEncoding.appendingQuery(to: redirect.uri, state.map { [("state", $0)] } ?? []))
            } else {
                response = responder.page(SignedOutView(unverifiedRedirect: parameters.postLogoutRedirectURI != nil))
            }
            response.setCookie(BrowserCookies.expired(BrowserCookies.session, secure: dependencies.secureCookies))
            return response
        }
    }

    func confirmPage(_ request: Request, _ parameters: EndSessionRequest, browser: EndSessionBrowser) async throws -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request, scope: .browser)
        var email: String?
        if case .signedIn(let session) = browser { email = try await dependencies.users.find(id: session.userID)?.email }
        let view = LogoutConfirmView(csrfToken: csrfToken, email: email, idTokenHint: parameters.idTokenHint,
                                     postLogoutRedirectURI: parameters.postLogoutRedirectURI, state: parameters.state,
                                     clientID: parameters.clientID)
        return responder.page(view, cookies: toSet.map { [$0] } ?? [])
    }

    func session(_ request: Request) async throws -> BrowserSession? {
        try await dependencies.browserSessions.find(cookie: dependencies.cookie(BrowserCookies.session, in: request))
    }
}
