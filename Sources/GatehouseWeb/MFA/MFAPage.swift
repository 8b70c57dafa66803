import Foundation
import GatehouseCore
import Hummingbird

/// `/mfa`: the second step of signing in. Reached only with the cookie of a pending sign-in
/// (the password was proven minutes ago in this browser). Shows the code field for one method
/// (authenticator app, emailed code or recovery code) with links to the others; a correct code
/// starts the session through `SignInCompletion`. Every code typed first reserves an attempt
/// (`AttemptLimiter`, `.secondFactor(userID:)`, shared by all methods and instances) and counts
/// against the address's failures (given back when right); the failure that fills the window locks the factor (429).
struct MFAPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    var mail: MailComposer {
        MailComposer(pages: dependencies.pages, outbox: dependencies.mailOutbox, settings: dependencies.accounts.settings,
                     issuer: dependencies.settings.issuer)
    }

    /// Notices and errors by key, so no text from the URL reaches the page.
    static let notices = ["sent": "We sent a code to your email. Earlier codes no longer work."]
    static let errors = ["wait": "We sent a code less than a minute ago. Wait a moment, then ask again."]

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/mfa") { request, _ in
            do {
                guard let (_, signIn, user) = try await current(request) else { return expired() }
                let query = try FormBody.query(request)
                if signIn.provenAMR != nil { return MFAEnrolmentPage(dependencies: dependencies, responder: responder).continuePage(request) }
                let factors = try await dependencies.confirmedFactors(userID: user.id)
                guard !factors.isEmpty else { return Responses.seeOther("/mfa/enrol") }
                let method = query["method"].flatMap(SecondFactorVerifier.Method.init(rawValue:))
                return try await page(request, signIn: signIn, user: user, factors: factors, method: method,
                                      notice: query["done"].flatMap { Self.notices[$0] }, error: query["problem"].flatMap { Self.errors[$0] })
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/mfa") { request, context in
            do {
                return try await submit(request, context: context)
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/mfa/email") { request, _ in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                guard let (token, signIn, user) = try await current(request) else { return expired() }
                var changed = signIn
                guard try await dependencies.confirmedFactors(userID: user.id).contains(.email), dependencies.mailOutbox.isEnabled
                else { return Responses.seeOther("/mfa") }
                let sent = try await sendEmailCode(to: user, signIn: &changed, token: token)
                return Responses.seeOther("/mfa?method=email&" + (sent ? "done=sent" : "problem=wait"))
            } catch {
                return responder.failure(error)
            }
        }
    }

    func submit(_ request: Request, context: GatehouseRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
        guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
        guard let (token, signIn, user) = try await current(request) else { return expired() }
        let method = form["method"].flatMap(SecondFactorVerifier.Method.init(rawValue:)) ?? .totp
        let code = String((form["code"] ?? "").prefix(64))
        // Reserved before the code is looked at: parallel guesses cannot exceed the limit.
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), from: context.origin)
        let outcome = try await dependencies.secondFactorVerifier.verify(signIn, method: method, code: code)
        guard case .proven(let amr) = outcome else {
            await dependencies.recordAudit(.mfaFailed, subject: user.id, details: ["method": method.rawValue])
            // Throws TooManyAttempts (429) when this failure fills the window.
            try await attempt.failed()
            return try await refused(outcome, request, token, signIn, user, method)
        }
        try await attempt.succeeded()
        try await dependencies.secondFactorChallenges.end(token: token)
        await dependencies.recordAudit(method == .recovery ? .recoveryCodeUsed : .mfaUsed, subject: user.id,
                                       details: ["method": method.rawValue])
        if method == .recovery { try await recoveryCodeUsed(by: user) }
        var response = try await SignInCompletion(dependencies: dependencies, responder: responder)
            .complete(user: user, amr: amr, request: request, context: context, pendingID: signIn.pendingAuthorizationID)
        response.setCookie(BrowserCookies.expired(SecondFactorGate.cookie, secure: dependencies.secureCookies))
        return response
    }

    /// The page again, saying what was wrong (the failure was counted already).
    func refused(_ outcome: SecondFactorVerifier.Outcome, _ request: Request, _ token: String, _ signIn: PendingSignIn, _ user: User,
                 _ method: SecondFactorVerifier.Method) async throws -> Response {
        switch outcome {
        case .proven, .wrongCode:
            let factors = try await dependencies.confirmedFactors(userID: user.id)
            return try await page(request, signIn: signIn, user: user, factors: factors, method: method, notice: nil,
                                  error: method == .recovery ? "That recovery code is not right or was already used. Check it and try again."
                                                             : "That code is not right. Check it and try again.")
        case .codeGone:
            let factors = try await dependencies.confirmedFactors(userID: user.id)
            var changed = signIn
            changed.emailTicket = nil
            try await dependencies.secondFactorChallenges.update(changed, token: token)
            return try await page(request, signIn: changed, user: user, factors: factors, method: .email, notice: nil,
                                  error: "That code no longer works: it expired or was tried too often. Ask for a new one.")
        }
    }

    /// The pending sign-in behind this browser's cookie, and its user; nil once the password it
    /// proved was changed (a reset voids every pending sign-in).
    func current(_ request: Request) async throws -> (token: String, signIn: PendingSignIn, user: User)? {
        guard let token = dependencies.cookie(SecondFactorGate.cookie, in: request),
              let (signIn, user) = try await dependencies.secondFactorChallenges.find(token: token, users: dependencies.users)
        else { return nil }
        return (token, signIn, user)
    }

    func page(_ request: Request, signIn: PendingSignIn, user: User, factors: [MFACredential.Kind],
              method requested: SecondFactorVerifier.Method?, notice: String?, error: String?) async throws -> Response {
        let recoveryLeft = try await dependencies.recoveryCodes.remaining(userID: user.id)
        let available = SecondFactorVerifier.Method.allCases.filter { method in
            switch method {
            case .totp: factors.contains(.totp)
            case .email: factors.contains(.email)
            case .recovery: recoveryLeft > 0
            }
        }
        let method = requested.flatMap { available.contains($0) ? $0 : nil } ?? (factors.contains(.totp) ? .totp : .email)
        let (csrfToken, toSet) = csrf.issue(for: request)
        let pending = try await signIn.pendingAuthorizationID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
        let clientName = try await pending.asyncFlatMap { try await dependencies.clients.find(id: $0.clientID)?.name }
        let emailOffered = factors.contains(.email) && dependencies.mailOutbox.isEnabled
        let view = MFAChallengeView(
            csrfToken: csrfToken, clientName: clientName, method: method.rawValue,
            instructions: instructions(method, signIn: signIn, user: user),
            codeLabel: method == .recovery ? "Recovery code" : method == .email ? "Code from the email" : "Code from your authenticator app",
            inputMode: method == .recovery ? "text" : "numeric", maxLength: method == .recovery ? 20 : 8,
            notice: notice, error: error,
            totpURL: method != .totp && available.contains(.totp) ? "/mfa?method=totp" : nil,
            recoveryURL: method != .recovery && available.contains(.recovery) ? "/mfa?method=recovery" : nil,
            emailAction: emailOffered ? "/mfa/email" : nil,
            emailButton: method == .email && signIn.emailTicket != nil ? "Send a new code" : "Email me a code")
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }

    func instructions(_ method: SecondFactorVerifier.Method, signIn: PendingSignIn, user: User) -> String {
        switch method {
        case .totp:
            return "Open your authenticator app and enter the 6-digit code it shows for \(dependencies.mfa.settings.issuerName)."
        case .email:
            return signIn.emailTicket == nil
                ? "We can email a 6-digit code to \(user.email)."
                : "We sent a 6-digit code to \(user.email). It works for 10 minutes."
        case .recovery:
            return "Enter one of the recovery codes you saved when you set up two-step verification. Each code works once."
        }
    }

    /// Emails a sign-in code (a new one for the same challenge when one was sent; at most one
    /// per minute). False when asked again too soon.
    @discardableResult
    func sendEmailCode(to user: User, signIn: inout PendingSignIn, token: String) async throws -> Bool {
        let codes = dependencies.emailCodes
        if let ticket = signIn.emailTicket, try await codes.challenge(ticket: ticket) != nil {
            guard let (_, issued) = try await codes.reissue(ticket: ticket) else { return false }
            try await mail.sendSignInCode(to: user.email, code: issued.code)
            return true
        }
        let issued = try await codes.issue(purpose: .signInCode, userID: user.id, email: user.email, pendingAuthorizationID: nil)
        _ = try await dependencies.accounts.verifications.allowOnce(key: "resend:" + issued.ticket,
                                                                    per: dependencies.accounts.settings.verificationResendInterval)
        signIn.emailTicket = issued.ticket
        try await dependencies.secondFactorChallenges.update(signIn, token: token)
        try await mail.sendSignInCode(to: user.email, code: issued.code)
        return true
    }

    /// A recovery code is a last resort: the owner hears of each use.
    func recoveryCodeUsed(by user: User) async throws {
        guard dependencies.mailOutbox.isEnabled else { return }
        let left = try await dependencies.recoveryCodes.remaining(userID: user.id)
        let service = dependencies.accounts.settings.serviceName
        try await mail.sendNotice(
            to: user.email, subject: "A recovery code was used to sign in to \(service)",
            message: "Someone signed in to your account \(user.email) with one of its recovery codes. \(left == 1 ? "1 code is" : "\(left) codes are") left. "
                + "If you lost your authenticator, set up two-step verification again on your account page.")
    }

    func expired() -> Response {
        var response = responder.page(NoticeView(title: "Sign in again",
                                                 message: "This sign-in took too long or was already finished. Sign in again to continue.",
                                                 linkURL: "/login", linkText: "Sign in"), status: .badRequest)
        response.setCookie(BrowserCookies.expired(SecondFactorGate.cookie, secure: dependencies.secureCookies))
        return response
    }
}
