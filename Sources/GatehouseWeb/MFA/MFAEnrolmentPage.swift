import GatehouseCore
import Hummingbird

/// `/mfa/enrol`: enrolment that a policy forces at sign-in (`GATEHOUSE_MFA_REQUIRED`, a client
/// that requires MFA, or `acr_values=mfa`) for a user with no second factor. The password was
/// proven minutes ago in this browser (the pending sign-in's cookie), so the form asks only for
/// the app's first code; then the new recovery codes are shown once, and "Continue" finishes
/// the sign-in (`/mfa/continue`).
struct MFAEnrolmentPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    var challengePage: MFAPage { MFAPage(dependencies: dependencies, responder: responder) }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/mfa/enrol") { request, _ in
            do {
                guard let (token, signIn, user) = try await challengePage.current(request) else { return challengePage.expired() }
                if signIn.provenAMR != nil { return continuePage(request) }
                guard try await dependencies.confirmedFactors(userID: user.id).isEmpty else { return Responses.seeOther("/mfa") }
                return page(request, user: user, secret: try await enrolment(for: signIn, token: token, user: user).secret, error: nil)
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/mfa/enrol") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                guard let (token, signIn, user) = try await challengePage.current(request) else { return challengePage.expired() }
                guard signIn.provenAMR == nil else { return continuePage(request) }
                // Enrolment at sign-in is for users with no factor yet: anyone else proves the one
                // they have on /mfa (a password alone must never add or replace a factor).
                guard try await dependencies.confirmedFactors(userID: user.id).isEmpty else { return Responses.seeOther("/mfa") }
                // Only the secret this sign-in showed; none started elsewhere, none expired.
                guard let enrolmentID = signIn.totpEnrolmentID,
                      let pending = try await dependencies.totpFactor.pendingEnrolment(userID: user.id, id: enrolmentID)
                else { return Responses.seeOther("/mfa/enrol") }
                // The first code is a second-factor attempt like any other: it counts.
                let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), from: context.origin)
                guard try await dependencies.totpFactor.confirmEnrolment(userID: user.id, id: pending.id, code: form["code"] ?? "") else {
                    await dependencies.recordAudit(.mfaFailed, subject: user.id, details: ["method": "totp", "during": "enrolment"])
                    try await attempt.failed()
                    return page(request, user: user, secret: pending.secret,
                                error: "That code is not right. Check that the app shows the account you just added and try again.")
                }
                try await attempt.succeeded()
                return try await finishEnrolment(request, token: token, signIn: signIn, user: user, method: "totp",
                                                 amr: AuthenticationMethods.combined(signIn.amr, [AuthenticationMethods.oneTimePassword]),
                                                 lead: "Two-step verification is on. If you ever lose your phone, each of these codes signs you in once instead of a code from the app.")
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/mfa/continue") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                guard let (token, signIn, user) = try await challengePage.current(request) else { return challengePage.expired() }
                guard let amr = signIn.provenAMR else { return Responses.seeOther("/mfa") }
                try await dependencies.secondFactorChallenges.end(token: token)
                var response = try await SignInCompletion(dependencies: dependencies, responder: responder)
                    .complete(user: user, amr: amr, request: request, context: context, pendingID: signIn.pendingAuthorizationID)
                response.setCookie(BrowserCookies.expired(SecondFactorGate.cookie, secure: dependencies.secureCookies))
                return response
            } catch {
                return responder.failure(error)
            }
        }
    }

    /// The secret this sign-in started, or a new one (remembered in the pending sign-in): never
    /// one started on the account page or by another sign-in.
    func enrolment(for signIn: PendingSignIn, token: String, user: User) async throws -> TOTPFactor.Enrolment {
        let totp = dependencies.totpFactor
        if let id = signIn.totpEnrolmentID, let pending = try await totp.pendingEnrolment(userID: user.id, id: id) {
            return pending
        }
        let started = try await totp.startEnrolment(userID: user.id)
        var changed = signIn
        changed.totpEnrolmentID = started.id
        try await dependencies.secondFactorChallenges.update(changed, token: token)
        return started
    }

    /// A factor was just proven for the first time: the sign-in counts as two-step (`amr`), the
    /// recovery codes are made and shown once, and "Continue" finishes the sign-in.
    func finishEnrolment(_ request: Request, token: String, signIn: PendingSignIn, user: User, method: String, amr: [String],
                         lead: String) async throws -> Response {
        await dependencies.recordAudit(.mfaEnrolled, subject: user.id, details: ["method": method, "during": "sign-in"])
        var proven = signIn
        proven.provenAMR = amr
        try await dependencies.secondFactorChallenges.update(proven, token: token)
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.recordAudit(.recoveryCodesRegenerated, subject: user.id)
        // No sign-in made before there was a factor outlives it (this one starts at "Continue").
        try await dependencies.accountSecurity
            .secondFactorChanged(userID: user.id, keeping: nil)
        try await AccountMFAActions.notifyFactorChange(dependencies, user: user, turnedOn: true)
        let (csrfToken, toSet) = csrf.issue(for: request)
        return responder.page(RecoveryCodesView(csrfToken: csrfToken, lead: lead, codes: codes,
                                                continueAction: "/mfa/continue"), cookies: toSet.map { [$0] } ?? [])
    }

    func page(_ request: Request, user: User, secret: [UInt8], error: String?) -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request)
        var view = Self.view(dependencies, csrfToken: csrfToken, user: user, secret: secret,
                             lead: "Signing in here needs a second step: a code from an app on your phone. It takes a minute to set up.",
                             action: "/mfa/enrol", asksPassword: false, cancelURL: nil, error: error)
        if MFAEmailEnrolment.isAvailable(dependencies, for: user) { view.emailAlternativeAction = "/mfa/enrol/email" }
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }

    /// The page after the codes were shown once (a reload): only "Continue" is left.
    func continuePage(_ request: Request) -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request)
        return responder.page(RecoveryCodesView(heading: "Two-step verification is on", csrfToken: csrfToken,
                                                lead: "Continue to finish signing in.", codes: [], continueAction: "/mfa/continue"),
                              cookies: toSet.map { [$0] } ?? [])
    }

    /// The enrolment page's view for a secret: QR code, grouped key and `otpauth://` link.
    static func view(_ dependencies: WebDependencies, csrfToken: String, user: User, secret: [UInt8], lead: String,
                     action: String, asksPassword: Bool, cancelURL: String?, error: String?) -> TOTPEnrolmentView {
        let uri = OTPAuthURI.totp(secret: secret, issuer: dependencies.mfa.settings.issuerName, account: user.email)
        // A TOTP URI is ~150 bytes: always within a QR code's capacity.
        let qr = QRCodeSVG(encoding: uri) ?? QRCodeSVG(width: 0, dark: [])
        return TOTPEnrolmentView(csrfToken: csrfToken, lead: lead, action: action, qrSize: qr.size, qrPath: qr.path,
                                 secret: Base32.grouped(Base32.encode(secret)), otpauthURI: uri, asksPassword: asksPassword,
                                 email: user.email, cancelURL: cancelURL, error: error)
    }
}
