import GatehouseCore
import Hummingbird

/// `/mfa/enrol`: enrolment that a policy forces at sign-in (`GATEHOUSE_MFA_REQUIRED`, a client
/// that requires MFA, or `acr_values=mfa`) for a user with no second factor. The password was
/// proven minutes ago in this browser (the pending sign-in's cookie), so the form asks only for
/// the app's first code; then the new recovery codes are shown once, and "Continue" finishes
/// the sign-in (`/mfa/continue`).
struct MFAEnrolmentPage {
    let dependencies: MFAModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var steps: SecondFactorSteps { SecondFactorSteps(dependencies: dependencies) }

    func register(on routes: PageRoutes) {
        routes.get("/mfa/enrol", show)
        routes.post("/mfa/enrol", confirm)
        routes.post("/mfa/continue", finish)
    }

    func show(_ page: PageRequest) async throws -> Response {
        guard let (token, signIn, user) = try await steps.current(page) else { return steps.expired() }
        if signIn.provenAMR != nil { return steps.continuePage(page) }
        guard try await steps.mayEnrol(signIn, user: user) else { return Responses.seeOther("/mfa") }
        guard signIn.requirement.allowedMethods.contains(.authenticatorApp) else { return emailOnly(user: user) }
        return form(page, signIn: signIn, user: user, secret: try await enrolment(for: signIn, token: token, user: user).secret, error: nil)
    }

    func confirm(_ page: PageRequest) async throws -> Response {
        guard let (token, signIn, user) = try await steps.current(page) else { return steps.expired() }
        guard signIn.provenAMR == nil else { return steps.continuePage(page) }
        // Enrolment at sign-in is for users with no factor yet: anyone else proves the one
        // they have on /mfa (a password alone must never add or replace a factor).
        guard try await steps.mayEnrol(signIn, user: user) else { return Responses.seeOther("/mfa") }
        guard signIn.requirement.allowedMethods.contains(.authenticatorApp) else { return emailOnly(user: user) }
        // Only the secret this sign-in showed; none started elsewhere, none expired.
        guard let enrolmentID = signIn.totpEnrolmentID,
              let pending = try await dependencies.totp.pendingEnrolment(userID: user.id, id: enrolmentID)
        else { return Responses.seeOther("/mfa/enrol") }
        // The first code is a second-factor attempt like any other: it counts.
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), from: page.origin)
        guard try await dependencies.totp.confirmEnrolment(userID: user.id, id: pending.id, code: page.form["code"] ?? "") else {
            await dependencies.audit.record(.mfaFailed, subject: user.id, details: ["method": "totp", "during": "enrolment"])
            try await attempt.failed()
            return form(page, signIn: signIn, user: user, secret: pending.secret,
                        error: "That code is not right. Check that the app shows the account you just added and try again.")
        }
        try await attempt.succeeded()
        return try await steps.finishEnrolment(page, token: token, signIn: signIn, user: user, method: "totp",
                                               amr: AuthenticationMethods.combined(signIn.amr, [AuthenticationMethods.oneTimePassword]),
                                               lead: "Two-step verification is on. If you ever lose your phone, each of these codes signs you in once instead of a code from the app.")
    }

    /// "Continue" after the recovery codes: the sign-in finishes with the factor just proven.
    func finish(_ page: PageRequest) async throws -> Response {
        guard let (token, signIn, user) = try await steps.current(page) else { return steps.expired() }
        guard let amr = signIn.provenAMR else { return Responses.seeOther("/mfa") }
        try await dependencies.challenges.end(token: token)
        var response = try await dependencies.signIn.complete(user: user, amr: amr, secondFactor: signIn.provenSecondFactor, page: page,
                                                              pendingID: signIn.pendingAuthorizationID)
        dependencies.pages.cookies.expire(SecondFactorGate.cookie, on: &response)
        return response
    }

    /// The secret this sign-in started, or a new one (remembered in the pending sign-in): never
    /// one started on the account page or by another sign-in.
    func enrolment(for signIn: PendingSignIn, token: String, user: User) async throws -> TOTPFactor.Enrolment {
        let totp = dependencies.totp
        if let id = signIn.totpEnrolmentID, let pending = try await totp.pendingEnrolment(userID: user.id, id: id) {
            return pending
        }
        let started = try await totp.startEnrolment(userID: user.id)
        var changed = signIn
        changed.totpEnrolmentID = started.id
        try await dependencies.challenges.update(changed, token: token)
        return started
    }

    /// The organization allows emailed codes only: their enrolment, or, when this server cannot
    /// mail the user a code, a page that says so.
    func emailOnly(user: User) -> Response {
        guard steps.emailCodesAvailable(for: user) else {
            return responder.error(title: "Two-step verification needed",
                                   message: "Signing in here needs codes sent by email, which cannot be sent to your address yet. "
                                       + "Verify your email address or ask your organization's administrator for help.")
        }
        return Responses.seeOther("/mfa/enrol/email")
    }

    func form(_ page: PageRequest, signIn: PendingSignIn, user: User, secret: [UInt8], error: String?) -> Response {
        let csrf = page.csrfToken()
        var view = steps.enrolmentView(csrfToken: csrf.value, user: user, secret: secret,
                                       lead: "Signing in here needs a second step: a code from an app on your phone. It takes a minute to set up.",
                                       action: "/mfa/enrol", asksPassword: false, cancelURL: nil, error: error)
        if steps.emailCodesAvailable(for: user), signIn.requirement.allowedMethods.contains(.emailedCode) {
            view.emailAlternativeAction = "/mfa/enrol/email"
        }
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }
}
