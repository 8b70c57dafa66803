import GatehouseCore
import Hummingbird

/// `/mfa/enrol/email`: the other way to meet a second-factor requirement at sign-in, for people
/// without an authenticator app. A code mailed to the (verified) address proves the mailbox
/// first; only then is the emailed-code factor turned on, the recovery codes shown once and the
/// sign-in continued. Until that code is entered a password alone gets nothing: no factor, no
/// recovery codes.
struct MFAEmailEnrolment {
    let dependencies: MFAModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var steps: SecondFactorSteps { SecondFactorSteps(dependencies: dependencies) }

    /// The sign-in waiting for this enrolment.
    struct Enrolling {
        let token: String
        let signIn: PendingSignIn
        let user: User
    }

    /// The sign-in, or the answer for a browser that is elsewhere in it.
    enum Pending {
        case ready(Enrolling)
        case elsewhere(Response)
    }

    func pendingEnrolment(_ page: PageRequest) async throws -> Pending {
        guard let (token, signIn, user) = try await steps.current(page) else { return .elsewhere(steps.expired()) }
        if signIn.provenAMR != nil { return .elsewhere(steps.continuePage(page)) }
        guard try await steps.mayEnrol(signIn, user: user) else { return .elsewhere(Responses.seeOther("/mfa")) }
        guard steps.emailCodesAvailable(for: user), signIn.requirement.allowedMethods.contains(.emailedCode) else {
            return .elsewhere(Responses.seeOther("/mfa/enrol"))
        }
        return .ready(Enrolling(token: token, signIn: signIn, user: user))
    }

    func register(on routes: PageRoutes) {
        routes.post("/mfa/enrol/email", sendCode)
        routes.get("/mfa/enrol/email", show)
        routes.post("/mfa/enrol/email/confirm", confirm)
    }

    func sendCode(_ page: PageRequest) async throws -> Response {
        let enrolling: Enrolling
        switch try await pendingEnrolment(page) {
        case .elsewhere(let response): return response
        case .ready(let pending): enrolling = pending
        }
        var changed = enrolling.signIn
        let sent = try await dependencies.codeSender.send(to: enrolling.user, signIn: &changed, token: enrolling.token)
        return Responses.seeOther("/mfa/enrol/email?" + (sent ? "done=sent" : "problem=wait"))
    }

    func show(_ page: PageRequest) async throws -> Response {
        let enrolling: Enrolling
        switch try await pendingEnrolment(page) {
        case .elsewhere(let response): return response
        case .ready(let pending): enrolling = pending
        }
        let appAllowed = enrolling.signIn.requirement.allowedMethods.contains(.authenticatorApp)
        if enrolling.signIn.emailTicket == nil {
            // Reached by choosing it on the app's setup page; when emailed codes are the only
            // method allowed, the first code goes now.
            guard !appAllowed else { return Responses.seeOther("/mfa/enrol") }
            var changed = enrolling.signIn
            _ = try await dependencies.codeSender.send(to: enrolling.user, signIn: &changed, token: enrolling.token)
            return Responses.seeOther("/mfa/enrol/email?done=sent")
        }
        let query = try page.query
        return form(page, signIn: enrolling.signIn, user: enrolling.user, notice: query["done"].flatMap { MFAPage.notices[$0] },
                    error: query["problem"].flatMap { MFAPage.errors[$0] })
    }

    func confirm(_ page: PageRequest) async throws -> Response {
        let enrolling: Enrolling
        switch try await pendingEnrolment(page) {
        case .elsewhere(let response): return response
        case .ready(let pending): enrolling = pending
        }
        let (token, signIn, user) = (enrolling.token, enrolling.signIn, enrolling.user)
        // The first code is a second-factor attempt like any other: it counts.
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), from: page.origin)
        let outcome = try await dependencies.verifier.verify(signIn, method: .email, code: String((page.form["code"] ?? "").prefix(64)))
        switch outcome {
        case .proven(let amr):
            try await attempt.succeeded()
            _ = try await dependencies.credentials.enableWithoutSecret(userID: user.id, kind: .email, at: dependencies.clock.now)
            return try await steps.finishEnrolment(
                page, token: token, signIn: signIn, user: user, method: "email", amr: amr,
                lead: "Two-step verification is on: each sign-in will email you a code. If you ever cannot get to your email, each of these codes signs you in once instead.")
        case .wrongCode:
            await dependencies.audit.record(.mfaFailed, subject: user.id, details: ["method": "email", "during": "enrolment"])
            try await attempt.failed()
            return form(page, signIn: signIn, user: user, notice: nil, error: "That code is not right. Check the latest email and try again.")
        case .codeGone:
            await dependencies.audit.record(.mfaFailed, subject: user.id, details: ["method": "email", "during": "enrolment"])
            try await attempt.failed()
            var changed = signIn
            changed.emailTicket = nil
            try await dependencies.challenges.update(changed, token: token)
            return form(page, signIn: changed, user: user, notice: nil,
                        error: "That code no longer works: it expired or was tried too often. Ask for a new one.")
        }
    }

    func form(_ page: PageRequest, signIn: PendingSignIn, user: User, notice: String?, error: String?) -> Response {
        let csrf = page.csrfToken()
        let view = EmailEnrolmentView(csrfToken: csrf.value, email: user.email, notice: notice, error: error,
                                      appAllowed: signIn.requirement.allowedMethods.contains(.authenticatorApp))
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }
}
