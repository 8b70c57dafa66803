import GatehouseCore
import Hummingbird

/// The end of every way of signing in (password, verified email): a brand-new session, its
/// cookie, and then the pending authorization request if there is one, else the account page.
struct SignInCompletion {
    let dependencies: WebDependencies
    let responder: PageResponder

    func complete(user: User, amr: [String], request: Request, context: GatehouseRequestContext,
                  pendingID: String?) async throws -> Response {
        // A second factor the user has, or that a policy requires, comes before any session.
        if let detour = try await SecondFactorGate(dependencies: dependencies, responder: responder)
            .detour(user: user, amr: amr, pendingID: pendingID) {
            return detour
        }
        if let old = try await dependencies.browserSessions.find(cookie: dependencies.cookie(BrowserCookies.session, in: request)) {
            try await dependencies.browserSessions.end(old)
        }
        let (session, secret) = try await dependencies.browserSessions.start(
            userID: user.id, amr: amr, ipAddress: context.clientIP, userAgent: request.headers[.userAgent])
        await dependencies.recordAudit(.signInSucceeded, subject: user.id,
                                       details: ["amr": amr.joined(separator: " "), "session_id": session.id.uuidString.lowercased()])
        var response: Response
        if let pendingID, var pending = try await dependencies.states.pending(id: pendingID) {
            pending.authenticatedSessionID = session.id
            try await dependencies.states.savePending(pending, id: pendingID, ttl: dependencies.settings.pendingAuthorizationLifetime)
            response = try await AuthorizationContinuation(dependencies: dependencies, responder: responder)
                .proceed(requestID: pendingID, pending: pending, session: session)
        } else {
            response = Responses.seeOther("/account")
        }
        response.setCookie(BrowserCookies.make(BrowserCookies.session, value: secret,
                                               maxAge: Int(dependencies.settings.sessionLifetime.timeInterval),
                                               secure: dependencies.secureCookies))
        return response
    }
}
