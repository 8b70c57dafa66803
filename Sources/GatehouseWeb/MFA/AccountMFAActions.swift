import Foundation
import GatehouseCore
import Hummingbird

/// The account page's "Two-step verification" actions: set up an authenticator app (a QR code,
/// confirmed by a first code), turn emailed codes on, turn either off, make new recovery codes.
/// Every change asks for the current password in the same form (re-authentication); turning a
/// factor off and making new recovery codes also ask for the second factor (the app's code, an
/// emailed code when the app is off, or a recovery code), so a stolen session and a known
/// password cannot remove or get around it. Every change ends the user's other sessions and
/// revokes every refresh token (`AccountSecurity.secondFactorChanged`), and the owner is
/// emailed about factors turned on or off.
struct AccountMFAActions {
    let page: AccountPage

    var dependencies: WebDependencies { page.dependencies }
    var responder: PageResponder { page.responder }
    var actions: AccountActions { AccountActions(page: page) }

    /// Holds the ticket of a code emailed for an account-page change (never shown in a page).
    static let reauthCookie = BrowserCookie(name: "gh_reauth")

    var security: AccountSecurity { dependencies.accountSecurity }

    func register(on router: Router<GatehouseRequestContext>) {
        actions.route(router, "/account/mfa/totp/start", startTOTP)
        router.get("/account/mfa/totp") { request, _ in
            do {
                guard let (session, user) = try await page.signedIn(request) else { return Responses.seeOther("/login") }
                let id = try FormBody.query(request)["enrolment"].flatMap(UUID.init(uuidString:))
                guard let id, let pending = try await dependencies.totpFactor.pendingEnrolment(userID: user.id, id: id) else {
                    return try await setupExpired(request, user: user, session: session)
                }
                return enrolmentPage(request, user: user, enrolment: pending, error: nil)
            } catch {
                return responder.failure(error)
            }
        }
        actions.route(router, "/account/mfa/totp/confirm", confirmTOTP)
        actions.route(router, "/account/mfa/totp/disable") { request, form, session, user in
            try await turnOff(.totp, request, form, session, user)
        }
        actions.route(router, "/account/mfa/email/enable", enableEmail)
        actions.route(router, "/account/mfa/email/disable") { request, form, session, user in
            try await turnOff(.email, request, form, session, user)
        }
        actions.route(router, "/account/mfa/recovery-codes", regenerateRecoveryCodes)
        actions.route(router, "/account/mfa/email-code", emailCode)
    }

    func startTOTP(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        let started = try await dependencies.totpFactor.startEnrolment(userID: user.id)
        return Responses.seeOther("/account/mfa/totp?enrolment=" + started.id.uuidString.lowercased())
    }

    func confirmTOTP(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        let totp = dependencies.totpFactor
        // Only the setup this page started (its id is in the form), and only for 15 minutes.
        guard let id = form["enrolment"].flatMap(UUID.init(uuidString:)),
              let pending = try await totp.pendingEnrolment(userID: user.id, id: id) else {
            return try await setupExpired(request, user: user, session: session)
        }
        guard try await actions.verifyPassword(form["current_password"], of: user) else {
            return enrolmentPage(request, user: user, enrolment: pending, error: "Your current password is not right.")
        }
        guard try await totp.confirmEnrolment(userID: user.id, id: pending.id, code: form["code"] ?? "") else {
            return enrolmentPage(request, user: user, enrolment: pending,
                                 error: "That code is not right. Check that the app shows the account you just added and try again.")
        }
        await dependencies.recordAudit(.mfaEnrolled, subject: user.id, details: ["method": "totp"])
        try await security.secondFactorChanged(userID: user.id, keeping: session.id)
        try await Self.notifyFactorChange(dependencies, user: user, turnedOn: true)
        return try await recoveryCodesIfNone(request, user: user, done: "totp")
    }

    func setupExpired(_ request: Request, user: User, session: BrowserSession) async throws -> Response {
        try await page.page(request, user: user, session: session, notice: nil,
                            errors: ["That setup of an authenticator app has expired (a new key works for 15 minutes). Choose “Set up” to start again."],
                            open: .twoStep)
    }

    func enableEmail(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        guard dependencies.mailOutbox.isEnabled, user.emailVerified else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["Emailed codes need a verified email address and a server that can send email."],
                                       open: .twoStep)
        }
        guard try await actions.verifyPassword(form["current_password"], of: user) else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["Your current password is not right."], open: .twoStep)
        }
        if try await dependencies.mfa.credentials.enableWithoutSecret(userID: user.id, kind: .email, at: dependencies.clock.now) {
            await dependencies.recordAudit(.mfaEnrolled, subject: user.id, details: ["method": "email"])
            try await security.secondFactorChanged(userID: user.id, keeping: session.id)
        }
        try await Self.notifyFactorChange(dependencies, user: user, turnedOn: true)
        return try await recoveryCodesIfNone(request, user: user, done: "email-mfa")
    }

    func turnOff(_ kind: MFACredential.Kind, _ request: Request, _ form: RequestParameters, _ session: BrowserSession,
                 _ user: User) async throws -> Response {
        if let refusal = try await reauthenticate(request, form, session, user) { return refusal }
        let others = try await dependencies.confirmedFactors(userID: user.id).filter { $0 != kind }
        if others.isEmpty && dependencies.settings.requireMFA {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["This server requires two-step verification. Set up another method before turning this one off."],
                                       open: .twoStep)
        }
        guard try await dependencies.mfa.credentials.remove(userID: user.id, kind: kind) else { return Responses.seeOther("/account") }
        if others.isEmpty {
            // With no factor left the codes would be a password-only way around nothing: drop them.
            try await dependencies.mfa.recoveryCodes.removeAll(userID: user.id)
        }
        await dependencies.recordAudit(.mfaRemoved, subject: user.id, details: ["method": kind.rawValue])
        try await security.secondFactorChanged(userID: user.id, keeping: session.id)
        try await Self.notifyFactorChange(dependencies, user: user, turnedOn: false)
        var response = Responses.seeOther("/account?done=" + (kind == .totp ? "totp-off" : "email-mfa-off"))
        response.setCookie(BrowserCookies.expired(Self.reauthCookie, secure: dependencies.secureCookies))
        return response
    }

    func regenerateRecoveryCodes(_ request: Request, _ form: RequestParameters, _ session: BrowserSession,
                                 _ user: User) async throws -> Response {
        guard try await !dependencies.confirmedFactors(userID: user.id).isEmpty else { return Responses.seeOther("/account") }
        if let refusal = try await reauthenticate(request, form, session, user) { return refusal }
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.recordAudit(.recoveryCodesRegenerated, subject: user.id)
        try await security.secondFactorChanged(userID: user.id, keeping: session.id)
        var response = codesPage(request, codes: codes, lead: "Your earlier recovery codes no longer work. These are the new ones.",
                                 done: "recovery-codes")
        response.setCookie(BrowserCookies.expired(Self.reauthCookie, secure: dependencies.secureCookies))
        return response
    }

    /// The current password and then the second factor, both from the form; nil when both are
    /// right, else the account page saying which was not.
    func reauthenticate(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response? {
        guard try await actions.verifyPassword(form["current_password"], of: user) else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["Your current password is not right."], open: .twoStep)
        }
        let factors = try await dependencies.confirmedFactors(userID: user.id)
        guard try await proveSecondFactor(form["code"] ?? "", request: request, user: user, factors: factors) else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: [Self.codeProblem(factors)], open: .twoStep)
        }
        return nil
    }

    /// Checks the code typed beside the password: a recovery code when it looks like one, else
    /// the authenticator app's code when the app is on, else the emailed code whose ticket this
    /// browser holds. Reserved against the same per-account count as every sign-in code.
    func proveSecondFactor(_ typed: String, request: Request, user: User, factors: [MFACredential.Kind]) async throws -> Bool {
        guard !factors.isEmpty else { return true }
        let code = String(typed.prefix(64))
        let method: SecondFactorVerifier.Method = RecoveryCodes.normalized(code) != nil ? .recovery
            : factors.contains(.totp) ? .totp : .email
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), clientIP: nil)
        var probe = PendingSignIn(userID: user.id, pendingAuthorizationID: nil, amr: [], createdAt: dependencies.clock.now)
        probe.emailTicket = method == .email ? dependencies.cookie(Self.reauthCookie, in: request) : nil
        guard case .proven = try await dependencies.secondFactorVerifier.verify(probe, method: method, code: code) else {
            await dependencies.recordAudit(.mfaFailed, subject: user.id, details: ["method": method.rawValue, "during": "account"])
            // Throws TooManyAttempts (429) when this failure fills the window.
            try await attempt.failed()
            return false
        }
        try await attempt.succeeded()
        if method == .recovery { await dependencies.recordAudit(.recoveryCodeUsed, subject: user.id, details: ["during": "account"]) }
        return true
    }

    static func codeProblem(_ factors: [MFACredential.Kind]) -> String {
        factors.contains(.totp)
            ? "Enter the code your authenticator app shows now, or one of your recovery codes."
            : "Enter the code from the newest email (choose “Email me a code” first), or one of your recovery codes."
    }

    /// "Email me a code": for a user whose factor is emailed codes only, a code to confirm a
    /// change with (10 minutes; at most one a minute). Its ticket stays in an HttpOnly cookie.
    func emailCode(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        let factors = try await dependencies.confirmedFactors(userID: user.id)
        guard factors == [.email], dependencies.mailOutbox.isEnabled else { return Responses.seeOther("/account") }
        let codes = dependencies.emailCodes
        let mail = MailComposer(pages: dependencies.pages, outbox: dependencies.mailOutbox, settings: dependencies.accounts.settings,
                                issuer: dependencies.settings.issuer)
        if let ticket = dependencies.cookie(Self.reauthCookie, in: request), let challenge = try await codes.challenge(ticket: ticket),
           challenge.purpose == .signInCode, challenge.userID == user.id {
            guard let (_, issued) = try await codes.reissue(ticket: ticket) else {
                return try await page.page(request, user: user, session: session, notice: nil,
                                           errors: ["We sent a code less than a minute ago. Wait a moment, then ask again."],
                                           open: .twoStep)
            }
            try await mail.sendSignInCode(to: user.email, code: issued.code)
            return try await page.page(request, user: user, session: session, notice: "We sent a new code to \(user.email). Earlier codes no longer work.",
                                       errors: [], open: .twoStep)
        }
        let issued = try await codes.issue(purpose: .signInCode, userID: user.id, email: user.email, pendingAuthorizationID: nil)
        _ = try await dependencies.accounts.verifications.allowOnce(key: "resend:" + issued.ticket,
                                                                    per: dependencies.accounts.settings.verificationResendInterval)
        try await mail.sendSignInCode(to: user.email, code: issued.code)
        var response = try await page.page(request, user: user, session: session,
                                           notice: "We sent a code to \(user.email). Enter it with your password below.", errors: [], open: .twoStep)
        response.setCookie(BrowserCookies.make(Self.reauthCookie, value: issued.ticket,
                                               maxAge: Int(dependencies.accounts.settings.signInCodeLifetime.timeInterval),
                                               secure: dependencies.secureCookies))
        return response
    }

    /// After the first factor: ten recovery codes, shown once. Later factors keep the codes the
    /// person already saved.
    func recoveryCodesIfNone(_ request: Request, user: User, done: String) async throws -> Response {
        guard try await dependencies.recoveryCodes.remaining(userID: user.id) == 0 else {
            return Responses.seeOther("/account?done=" + done)
        }
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.recordAudit(.recoveryCodesRegenerated, subject: user.id)
        return codesPage(request, codes: codes,
                         lead: "Two-step verification is on. If you ever lose your phone, each of these codes signs you in once instead of a code.",
                         done: done)
    }

    func codesPage(_ request: Request, codes: [String], lead: String, done: String) -> Response {
        let (csrfToken, toSet) = page.csrf.issue(for: request)
        return responder.page(RecoveryCodesView(csrfToken: csrfToken, lead: lead, codes: codes,
                                                continueURL: "/account?done=" + done), cookies: toSet.map { [$0] } ?? [])
    }

    func enrolmentPage(_ request: Request, user: User, enrolment: TOTPFactor.Enrolment, error: String?) -> Response {
        let (csrfToken, toSet) = page.csrf.issue(for: request)
        var view = MFAEnrolmentPage.view(dependencies, csrfToken: csrfToken, user: user, secret: enrolment.secret,
                                         lead: "After this, signing in asks for a code from the app on your phone as well as your password.",
                                         action: "/account/mfa/totp/confirm", asksPassword: true, cancelURL: "/account", error: error)
        view.enrolmentID = enrolment.id.uuidString.lowercased()
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }

    /// The account page's section, for `AccountPage`.
    static func section(_ dependencies: WebDependencies, user: User) async throws -> TwoStepSection {
        let factors = try await dependencies.confirmedFactors(userID: user.id)
        let left = try await dependencies.recoveryCodes.remaining(userID: user.id)
        return TwoStepSection(totpEnabled: factors.contains(.totp), emailEnabled: factors.contains(.email),
                              codeLabel: factors.contains(.totp) ? "Code from your authenticator app, or a recovery code"
                                  : "Code from the email, or a recovery code",
                              emailCodeAction: factors == [.email] && dependencies.mailOutbox.isEnabled ? "/account/mfa/email-code" : nil,
                              emailAvailable: dependencies.mailOutbox.isEnabled && user.emailVerified, anyFactor: !factors.isEmpty,
                              recoveryCodesLeft: left == 0 ? "No unused recovery codes left: make new ones below."
                                  : left == 1 ? "1 unused recovery code left." : "\(left) unused recovery codes left.",
                              required: dependencies.settings.requireMFA)
    }

    /// The owner hears of every factor turned on or off (if it was not them, their password is known).
    static func notifyFactorChange(_ dependencies: WebDependencies, user: User, turnedOn: Bool) async throws {
        guard dependencies.mailOutbox.isEnabled else { return }
        let service = dependencies.accounts.settings.serviceName
        try await MailComposer(pages: dependencies.pages, outbox: dependencies.mailOutbox, settings: dependencies.accounts.settings,
                               issuer: dependencies.settings.issuer)
            .sendNotice(to: user.email,
                        subject: "Two-step verification was turned \(turnedOn ? "on" : "off") for your \(service) account",
                        message: "A two-step verification method of your account \(user.email) was turned \(turnedOn ? "on" : "off").")
    }
}
