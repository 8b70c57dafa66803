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
    let dependencies: MFAModule.Dependencies

    var accountPage: AccountPage { dependencies.accountPage }
    var responder: PageResponder { dependencies.pages.responder }
    var steps: SecondFactorSteps { SecondFactorSteps(dependencies: dependencies) }

    /// Holds the ticket of a code emailed for an account-page change (never shown in a page).
    static let reauthCookie = BrowserCookie(name: "gh_reauth")

    var security: AccountSecurity { dependencies.accountSecurity }

    func register(on routes: PageRoutes) {
        routes.accountPost("/account/mfa/totp/start", startTOTP)
        routes.accountGet("/account/mfa/totp", use: .sensitive) { page, account in
            let id = try page.query["enrolment"].flatMap(UUID.init(uuidString:))
            guard let id, let pending = try await dependencies.totp.pendingEnrolment(userID: account.user.id, id: id) else {
                return try await setupExpired(page, account)
            }
            return enrolmentPage(page, user: account.user, enrolment: pending, error: nil)
        }
        routes.accountPost("/account/mfa/totp/confirm", confirmTOTP)
        routes.accountPost("/account/mfa/totp/disable") { page, account in
            try await turnOff(.totp, page, account)
        }
        routes.accountPost("/account/mfa/email/enable", enableEmail)
        routes.accountPost("/account/mfa/email/disable") { page, account in
            try await turnOff(.email, page, account)
        }
        routes.accountPost("/account/mfa/recovery-codes", regenerateRecoveryCodes)
        routes.accountPost("/account/mfa/email-code", emailCode)
    }

    func startTOTP(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let user = account.user
        let started = try await dependencies.totp.startEnrolment(userID: user.id)
        return Responses.seeOther("/account/mfa/totp?enrolment=" + started.id.uuidString.lowercased())
    }

    func confirmTOTP(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        let totp = dependencies.totp
        // Only the setup this page started (its id is in the form), and only for 15 minutes.
        guard let id = form["enrolment"].flatMap(UUID.init(uuidString:)),
              let pending = try await totp.pendingEnrolment(userID: user.id, id: id) else {
            return try await setupExpired(page, account)
        }
        guard try await dependencies.currentPassword.verify(form["current_password"], of: user) else {
            return enrolmentPage(page, user: user, enrolment: pending, error: "Your current password is not right.")
        }
        guard try await totp.confirmEnrolment(userID: user.id, id: pending.id, code: form["code"] ?? "") else {
            return enrolmentPage(page, user: user, enrolment: pending,
                                 error: "That code is not right. Check that the app shows the account you just added and try again.")
        }
        await dependencies.audit.record(.mfaEnrolled, subject: user.id, details: ["method": "totp"])
        try await security.secondFactorChanged(userID: user.id, keeping: account.session.id)
        try await steps.notifyFactorChange(user: user, turnedOn: true)
        return try await recoveryCodesIfNone(page, user: user, done: "totp")
    }

    func setupExpired(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        try await accountPage.show(page, account, notice: nil,
                                   errors: ["That setup of an authenticator app has expired (a new key works for 15 minutes). Choose “Set up” to start again."],
                                   open: .twoStep)
    }

    func enableEmail(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        guard dependencies.mail.outbox.isEnabled, user.emailVerified else {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: ["Emailed codes need a verified email address and a server that can send email."],
                                              open: .twoStep)
        }
        guard try await dependencies.currentPassword.verify(form["current_password"], of: user) else {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: ["Your current password is not right."], open: .twoStep)
        }
        if try await dependencies.credentials.enableWithoutSecret(userID: user.id, kind: .email, at: dependencies.clock.now) {
            await dependencies.audit.record(.mfaEnrolled, subject: user.id, details: ["method": "email"])
            try await security.secondFactorChanged(userID: user.id, keeping: account.session.id)
        }
        try await steps.notifyFactorChange(user: user, turnedOn: true)
        return try await recoveryCodesIfNone(page, user: user, done: "email-mfa")
    }

    func turnOff(_ kind: MFACredential.Kind, _ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let user = account.user
        if let refusal = try await reauthenticate(page, account) { return refusal }
        let others = try await dependencies.credentials.confirmedKinds(userID: user.id).filter { $0 != kind }
        if others.isEmpty && dependencies.requireMFA {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: ["This server requires two-step verification. Set up another method before turning this one off."],
                                              open: .twoStep)
        }
        guard try await dependencies.credentials.remove(userID: user.id, kind: kind) else { return Responses.seeOther("/account") }
        if others.isEmpty {
            // With no factor left the codes would be a password-only way around nothing: drop them.
            try await dependencies.recoveryCodeStore.removeAll(userID: user.id)
        }
        await dependencies.audit.record(.mfaRemoved, subject: user.id, details: ["method": kind.rawValue])
        try await security.secondFactorChanged(userID: user.id, keeping: account.session.id)
        try await steps.notifyFactorChange(user: user, turnedOn: false)
        var response = Responses.seeOther("/account?done=" + (kind == .totp ? "totp-off" : "email-mfa-off"))
        response.setCookie(dependencies.pages.cookies.expired(Self.reauthCookie))
        return response
    }

    func regenerateRecoveryCodes(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let user = account.user
        guard try await !dependencies.credentials.confirmedKinds(userID: user.id).isEmpty else { return Responses.seeOther("/account") }
        if let refusal = try await reauthenticate(page, account) { return refusal }
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.audit.record(.recoveryCodesRegenerated, subject: user.id)
        try await security.secondFactorChanged(userID: user.id, keeping: account.session.id)
        var response = codesPage(page, codes: codes, lead: "Your earlier recovery codes no longer work. These are the new ones.",
                                 done: "recovery-codes")
        response.setCookie(dependencies.pages.cookies.expired(Self.reauthCookie))
        return response
    }

    /// The current password and then the second factor, both from the form; nil when both are
    /// right, else the account page saying which was not.
    func reauthenticate(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response? {
        let (form, user) = (page.form, account.user)
        guard try await dependencies.currentPassword.verify(form["current_password"], of: user) else {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: ["Your current password is not right."], open: .twoStep)
        }
        let factors = try await dependencies.credentials.confirmedKinds(userID: user.id)
        guard try await proveSecondFactor(form["code"] ?? "", page: page, user: user, factors: factors) else {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: [Self.codeProblem(factors)], open: .twoStep)
        }
        return nil
    }

    /// Checks the code typed beside the password: a recovery code when it looks like one, else
    /// the authenticator app's code when the app is on, else the emailed code whose ticket this
    /// browser holds. Reserved against the same per-account count as every sign-in code.
    func proveSecondFactor(_ typed: String, page: PageRequest, user: User, factors: [MFACredential.Kind]) async throws -> Bool {
        guard !factors.isEmpty else { return true }
        let code = String(typed.prefix(64))
        let method: SecondFactorVerifier.Method = RecoveryCodes.normalized(code) != nil ? .recovery
            : factors.contains(.totp) ? .totp : .email
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), clientIP: nil)
        var probe = PendingSignIn(userID: user.id, pendingAuthorizationID: nil, amr: [], createdAt: dependencies.clock.now)
        probe.emailTicket = method == .email ? page.cookie(Self.reauthCookie) : nil
        guard case .proven = try await dependencies.verifier.verify(probe, method: method, code: code) else {
            await dependencies.audit.record(.mfaFailed, subject: user.id, details: ["method": method.rawValue, "during": "account"])
            // Throws TooManyAttempts (429) when this failure fills the window.
            try await attempt.failed()
            return false
        }
        try await attempt.succeeded()
        if method == .recovery { await dependencies.audit.record(.recoveryCodeUsed, subject: user.id, details: ["during": "account"]) }
        return true
    }

    static func codeProblem(_ factors: [MFACredential.Kind]) -> String {
        factors.contains(.totp)
            ? "Enter the code your authenticator app shows now, or one of your recovery codes."
            : "Enter the code from the newest email (choose “Email me a code” first), or one of your recovery codes."
    }

    /// "Email me a code": for a user whose factor is emailed codes only, a code to confirm a
    /// change with (10 minutes; at most one a minute). Its ticket stays in an HttpOnly cookie.
    func emailCode(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let user = account.user
        let factors = try await dependencies.credentials.confirmedKinds(userID: user.id)
        guard factors == [.email], dependencies.mail.outbox.isEnabled else { return Responses.seeOther("/account") }
        let codes = dependencies.emailCodes
        let mail = dependencies.mail
        if let ticket = page.cookie(Self.reauthCookie), let challenge = try await codes.challenge(ticket: ticket),
           challenge.purpose == .signInCode, challenge.userID == user.id {
            guard let (_, issued) = try await codes.reissue(ticket: ticket) else {
                return try await accountPage.show(page, account, notice: nil,
                                                  errors: ["We sent a code less than a minute ago. Wait a moment, then ask again."],
                                                  open: .twoStep)
            }
            try await mail.sendSignInCode(to: user.email, code: issued.code)
            return try await accountPage.show(page, account, notice: "We sent a new code to \(user.email). Earlier codes no longer work.",
                                              errors: [], open: .twoStep)
        }
        let issued = try await codes.issue(purpose: .signInCode, userID: user.id, email: user.email, pendingAuthorizationID: nil)
        _ = try await dependencies.verifications.allowOnce(key: "resend:" + issued.ticket,
                                                           per: dependencies.accountSettings.verificationResendInterval)
        try await mail.sendSignInCode(to: user.email, code: issued.code)
        var response = try await accountPage.show(page, account,
                                                  notice: "We sent a code to \(user.email). Enter it with your password below.", errors: [], open: .twoStep)
        response.setCookie(dependencies.pages.cookies.make(Self.reauthCookie, value: issued.ticket,
                                                           maxAge: Int(dependencies.accountSettings.signInCodeLifetime.timeInterval)))
        return response
    }

    /// After the first factor: ten recovery codes, shown once. Later factors keep the codes the
    /// person already saved.
    func recoveryCodesIfNone(_ page: PageRequest, user: User, done: String) async throws -> Response {
        guard try await dependencies.recoveryCodes.remaining(userID: user.id) == 0 else {
            return Responses.seeOther("/account?done=" + done)
        }
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.audit.record(.recoveryCodesRegenerated, subject: user.id)
        return codesPage(page, codes: codes,
                         lead: "Two-step verification is on. If you ever lose your phone, each of these codes signs you in once instead of a code.",
                         done: done)
    }

    func codesPage(_ page: PageRequest, codes: [String], lead: String, done: String) -> Response {
        let csrf = page.csrfToken()
        return responder.page(RecoveryCodesView(csrfToken: csrf.value, lead: lead, codes: codes,
                                                continueURL: "/account?done=" + done), cookies: csrf.cookies)
    }

    func enrolmentPage(_ page: PageRequest, user: User, enrolment: TOTPFactor.Enrolment, error: String?) -> Response {
        let csrf = page.csrfToken()
        var view = steps.enrolmentView(csrfToken: csrf.value, user: user, secret: enrolment.secret,
                                       lead: "After this, signing in asks for a code from the app on your phone as well as your password.",
                                       action: "/account/mfa/totp/confirm", asksPassword: true, cancelURL: "/account", error: error)
        view.enrolmentID = enrolment.id.uuidString.lowercased()
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }
}
