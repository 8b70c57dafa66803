import GatehouseCore
import Hummingbird

/// The end of every way of signing in (password, verified email, second factor): the steps of
/// `SignInSteps` in their order — a verified email, then the second factor, then the change of
/// an expired password — and only then a brand-new session, its cookie, and the pending
/// authorization request if there is one, else the account page.
struct SignInCompletion {
    let dependencies: WebDependencies
    let responder: PageResponder

    var steps: SignInSteps {
        SignInSteps(accounts: dependencies.accounts.settings, policy: dependencies.accounts.passwordPolicy,
                    mailEnabled: dependencies.mailOutbox.isEnabled, clock: dependencies.clock)
    }

    func complete(user: User, amr: [String], request: Request, context: GatehouseRequestContext,
                  pendingID: String?) async throws -> Response {
        // 1. The address first: a code goes to it, and its page continues here once proven.
        if steps.mustVerifyEmail(user) {
            return try await EmailVerificationPage(dependencies: dependencies, responder: responder)
                .start(for: user, pendingID: pendingID, request: request)
        }
        // 2. A second factor the user has, or that a policy requires, comes before any session.
        if let detour = try await SecondFactorGate(dependencies: dependencies, responder: responder)
            .detour(user: user, amr: amr, pendingID: pendingID) {
            return detour
        }
        // 3. Every check passed: only now may an expired password be changed (no session yet).
        if steps.mustChangePassword(user) {
            let token = try await PasswordReset(store: dependencies.accounts.passwordResets, crypto: dependencies.crypto,
                                                settings: dependencies.accounts.settings, clock: dependencies.clock)
                .issueForcedChange(userID: user.id)
            return Responses.seeOther("/reset-password?" + FormEncoding.encode([("token", token), ("expired", "1")]))
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
