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
struct LogoutRoute {
    let dependencies: SignInModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.get("/logout") { page in
            let parameters = EndSessionRequest(parameters: try page.query)
            // A top-level GET carries the Lax session cookie: no live session means none.
            let browser: EndSessionBrowser = try await page.session().map { .signedIn($0) } ?? .signedOut
            return try await respond(page, parameters, browser: browser, confirmed: false)
        }
        // Our own confirmation form must prove it came from our page; a client's form post
        // carries no token and is only ever answered with that page.
        routes.post("/logout", from: .relyingPartyOrConfirmation(field: "confirm", scope: .browser)) { page in
            let confirmed = page.form["confirm"] != nil
            let browser: EndSessionBrowser
            if let live = try await page.session() {
                browser = .signedIn(live)
            } else {
                // A cross-site POST arrives without the Lax cookie: "no session", so ask (DESIGN.md).
                browser = page.cookie(BrowserCookies.session) == nil ? .unknown : .signedOut
            }
            return try await respond(page, EndSessionRequest(parameters: page.form), browser: browser, confirmed: confirmed)
        }
    }

    func respond(_ page: PageRequest, _ parameters: EndSessionRequest, browser: EndSessionBrowser, confirmed: Bool) async throws -> Response {
        switch try await dependencies.endSession.evaluate(parameters, browser: browser, confirmed: confirmed) {
        case .confirm:
            return try await confirmPage(page, parameters, browser: browser)
        case .signOut(let redirect, let state, let clientID):
            // Signing out of a support session ends it alone: the administrator's own session stays.
            if case .signedIn(let session) = browser, session.support != nil {
                try await dependencies.pages.support.end(session, why: "signed out")
                // Ended now: the "signed out" page shows no banner (the request began inside it).
                var response = PageChrome.$current.withValue(nil) { redirectOrPage(redirect, state, parameters) }
                response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.support))
                return response
            }
            if case .signedIn(let session) = browser {
                try await dependencies.pages.sessions.end(session)
                await dependencies.audit.record(.signedOut, subject: session.userID, clientID: clientID,
                                                details: ["session_id": session.id.uuidString.lowercased(),
                                                          "via": confirmed ? "confirmation" : "id_token_hint"])
            }
            var response = redirectOrPage(redirect, state, parameters)
            response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.session))
            return response
        }
    }

    /// Back to the client's verified `post_logout_redirect_uri`, or the "signed out" page.
    func redirectOrPage(_ redirect: VerifiedPostLogoutRedirect?, _ state: String?, _ parameters: EndSessionRequest) -> Response {
        if let redirect {
            return Responses.seeOther(FormEncoding.appendingQuery(to: redirect.uri, state.map { [("state", $0)] } ?? []))
        }
        return responder.page(SignedOutView(unverifiedRedirect: parameters.postLogoutRedirectURI != nil))
    }

    func confirmPage(_ page: PageRequest, _ parameters: EndSessionRequest, browser: EndSessionBrowser) async throws -> Response {
        let csrf = page.csrfToken(scope: .browser)
        var email: String?
        if case .signedIn(let session) = browser { email = try await dependencies.users.find(id: session.userID)?.email }
        let view = LogoutConfirmView(csrfToken: csrf.value, email: email, idTokenHint: parameters.idTokenHint,
                                     postLogoutRedirectURI: parameters.postLogoutRedirectURI, state: parameters.state,
                                     clientID: parameters.clientID)
        return responder.page(view, cookies: csrf.cookies)
    }
}
