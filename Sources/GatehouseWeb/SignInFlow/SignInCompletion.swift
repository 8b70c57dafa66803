import GatehouseCore
import Hummingbird

/// The end of every way of signing in (password, verified email, second factor): the steps of
/// `SignInSteps` in their order — a verified email, then the second factor, then the change of
/// an expired password — and only then a brand-new session, its cookie, and the pending
/// authorization request if there is one, else the account page.
struct SignInCompletion: Sendable {
    let steps: SignInSteps
    let verification: EmailVerificationStart
    let gate: SecondFactorGate
    let passwordResets: PasswordReset
    let sessions: BrowserSessions
    let states: any AuthorizationStateStore
    let settings: ProviderSettings
    let audit: RequestAuditLog
    let continuation: AuthorizationContinuation
    let cookies: IssuerCookies

    /// `secondFactor`: the factor proven in this sign-in (kept with the session).
    func complete(user: User, amr: [String], secondFactor: ProvenSecondFactor? = nil, page: PageRequest,
                  pendingID: String?) async throws -> Response {
        // 0. Only an active account signs in, whichever way it came (a second factor typed after
        //    a suspension, a link verified, an invitation): the user was read for this request.
        guard user.status == .active else { return continuation.responder.accountClosed(user.status) }
        // 1. The address first: a code goes to it, and its page continues here once proven.
        if steps.mustVerifyEmail(user) {
            return try await verification.start(for: user, pendingID: pendingID)
        }
        // 2. A second factor the user has, or that a policy requires, comes before any session.
        if let detour = try await gate.detour(user: user, amr: amr, pendingID: pendingID) {
            return detour
        }
        // 3. Every check passed: only now may an expired password be changed (no session yet).
        if steps.mustChangePassword(user) {
            let token = try await passwordResets.issueForcedChange(userID: user.id)
            return Responses.seeOther("/reset-password?" + FormEncoding.encode([("token", token), ("expired", "1")]))
        }
        if let old = try await page.session() {
            try await sessions.end(old)
        }
        let (session, secret) = try await sessions.start(
            userID: user.id, amr: amr, secondFactor: secondFactor, ipAddress: page.context.clientIP, userAgent: page.request.headers[.userAgent])
        await audit.record(.signInSucceeded, subject: user.id,
                           details: ["amr": amr.joined(separator: " "), "session_id": session.id.uuidString.lowercased()])
        var response: Response
        if let pendingID, var pending = try await states.pending(id: pendingID) {
            pending.authenticatedSessionID = session.id
            try await states.savePending(pending, id: pendingID, ttl: settings.pendingAuthorizationLifetime)
            response = try await continuation.proceed(requestID: pendingID, pending: pending, session: session)
        } else {
            // The console page that sent the browser to sign in, if one did (its cookie then goes).
            let returning = page.cookie(ReturnAfterSignIn.cookie)
            response = Responses.seeOther(ReturnAfterSignIn.accepted(returning) ?? "/account")
            if returning != nil { cookies.expire(ReturnAfterSignIn.cookie, on: &response) }
        }
        response.setCookie(cookies.make(BrowserCookies.session, value: secret, maxAge: Int(settings.sessionLifetime.timeInterval)))
        return response
    }
}
