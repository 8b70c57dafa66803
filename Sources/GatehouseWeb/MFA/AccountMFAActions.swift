import Foundation
import GatehouseCore
import Hummingbird

/// The account page's "Two-step verification" actions: set up an authenticator app (a QR code,
/// confirmed by a first code), turn emailed codes on, turn either off, make new recovery codes.
/// Every change that turns a factor on or off, or shows recovery codes, asks for the current
/// password in the same form (re-authentication), and the owner is emailed about it.
struct AccountMFAActions {
    let page: AccountPage

    var dependencies: WebDependencies { page.dependencies }
    var responder: PageResponder { page.responder }
    var actions: AccountActions { AccountActions(page: page) }

    func register(on router: Router<GatehouseRequestContext>) {
        actions.route(router, "/account/mfa/totp/start", startTOTP)
        router.get("/account/mfa/totp") { request, _ in
            do {
                guard let (_, user) = try await page.signedIn(request) else { return Responses.seeOther("/login") }
                guard let secret = try await dependencies.totpFactor.pendingSecret(userID: user.id) else {
                    return Responses.seeOther("/account")
                }
                return enrolmentPage(request, user: user, secret: secret, error: nil)
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
    }

    func startTOTP(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        _ = try await dependencies.totpFactor.startEnrolment(userID: user.id)
        return Responses.seeOther("/account/mfa/totp")
    }

    func confirmTOTP(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        let totp = dependencies.totpFactor
        guard let secret = try await totp.pendingSecret(userID: user.id) else { return Responses.seeOther("/account") }
        guard try await actions.verifyPassword(form["current_password"], of: user) else {
            return enrolmentPage(request, user: user, secret: secret, error: "Your current password is not right.")
        }
        guard try await totp.confirmEnrolment(userID: user.id, code: form["code"] ?? "") else {
            return enrolmentPage(request, user: user, secret: secret,
                                 error: "That code is not right. Check that the app shows the account you just added and try again.")
        }
        await dependencies.recordAudit(.mfaEnrolled, subject: user.id, details: ["method": "totp"])
        try await Self.notifyFactorChange(dependencies, user: user, turnedOn: true)
        return try await recoveryCodesIfNone(request, user: user, done: "totp")
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
        }
        try await Self.notifyFactorChange(dependencies, user: user, turnedOn: true)
        return try await recoveryCodesIfNone(request, user: user, done: "email-mfa")
    }

    func turnOff(_ kind: MFACredential.Kind, _ request: Request, _ form: RequestParameters, _ session: BrowserSession,
                 _ user: User) async throws -> Response {
        guard try await actions.verifyPassword(form["current_password"], of: user) else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["Your current password is not right."], open: .twoStep)
        }
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
        try await Self.notifyFactorChange(dependencies, user: user, turnedOn: false)
        return Responses.seeOther("/account?done=" + (kind == .totp ? "totp-off" : "email-mfa-off"))
    }

    func regenerateRecoveryCodes(_ request: Request, _ form: RequestParameters, _ session: BrowserSession,
                                 _ user: User) async throws -> Response {
        guard try await actions.verifyPassword(form["current_password"], of: user) else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["Your current password is not right."], open: .twoStep)
        }
        guard try await !dependencies.confirmedFactors(userID: user.id).isEmpty else { return Responses.seeOther("/account") }
        let codes = try await dependencies.recoveryCodes.regenerate(userID: user.id)
        await dependencies.recordAudit(.recoveryCodesRegenerated, subject: user.id)
        return codesPage(request, codes: codes, lead: "Your earlier recovery codes no longer work. These are the new ones.",
                         done: "recovery-codes")
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

    func enrolmentPage(_ request: Request, user: User, secret: [UInt8], error: String?) -> Response {
        let (csrfToken, toSet) = page.csrf.issue(for: request)
        let view = MFAEnrolmentPage.view(dependencies, csrfToken: csrfToken, user: user, secret: secret,
                                         lead: "After this, signing in asks for a code from the app on your phone as well as your password.",
                                         action: "/account/mfa/totp/confirm", asksPassword: true, cancelURL: "/account", error: error)
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }

    /// The account page's section, for `AccountPage`.
    static func section(_ dependencies: WebDependencies, user: User) async throws -> TwoStepSection {
        let factors = try await dependencies.confirmedFactors(userID: user.id)
        let left = try await dependencies.recoveryCodes.remaining(userID: user.id)
        return TwoStepSection(totpEnabled: factors.contains(.totp), emailEnabled: factors.contains(.email),
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
