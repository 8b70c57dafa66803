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
    let dependencies: MFAModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var steps: SecondFactorSteps { SecondFactorSteps(dependencies: dependencies) }

    /// Notices and errors by key, so no text from the URL reaches the page.
    static let notices = ["sent": "We sent a code to your email. Earlier codes no longer work."]
    static let errors = ["wait": "We sent a code less than a minute ago. Wait a moment, then ask again."]

    func register(on routes: PageRoutes) {
        routes.get("/mfa", show)
        routes.post("/mfa", submit)
        routes.post("/mfa/email", sendCode)
    }

    func show(_ page: PageRequest) async throws -> Response {
        guard let (_, signIn, user) = try await steps.current(page) else { return steps.expired() }
        let query = try page.query
        if signIn.provenAMR != nil { return steps.continuePage(page) }
        let held = try await dependencies.credentials.confirmedKinds(userID: user.id)
        guard !held.isEmpty, !signIn.requirement.mayEnrol(held: held, amr: signIn.amr) else { return Responses.seeOther("/mfa/enrol") }
        let factors = Self.offered(held, signIn)
        let method = query["method"].flatMap(SecondFactorVerifier.Method.init(rawValue:))
        return try await form(page, signIn: signIn, user: user, factors: factors, method: method,
                              notice: query["done"].flatMap { Self.notices[$0] }, error: query["problem"].flatMap { Self.errors[$0] })
    }

    func sendCode(_ page: PageRequest) async throws -> Response {
        guard let (token, signIn, user) = try await steps.current(page) else { return steps.expired() }
        var changed = signIn
        guard Self.offered(try await dependencies.credentials.confirmedKinds(userID: user.id), signIn).contains(.email),
              dependencies.mail.outbox.isEnabled
        else { return Responses.seeOther("/mfa") }
        let sent = try await dependencies.codeSender.send(to: user, signIn: &changed, token: token)
        return Responses.seeOther("/mfa?method=email&" + (sent ? "done=sent" : "problem=wait"))
    }

    func submit(_ page: PageRequest) async throws -> Response {
        guard let (token, signIn, user) = try await steps.current(page) else { return steps.expired() }
        let method = page.form["method"].flatMap(SecondFactorVerifier.Method.init(rawValue:)) ?? .totp
        // Only a method this sign-in offers (an organization may allow fewer); recovery codes
        // stand in for any.
        let offered = Self.offered(try await dependencies.credentials.confirmedKinds(userID: user.id), signIn)
        if let kind = MFACredential.Kind(rawValue: method.rawValue), !offered.contains(kind) { return Responses.seeOther("/mfa") }
        let code = String((page.form["code"] ?? "").prefix(64))
        // Reserved before the code is looked at: parallel guesses cannot exceed the limit.
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), from: page.origin)
        let outcome = try await dependencies.verifier.verify(signIn, method: method, code: code)
        guard case .proven(let amr) = outcome else {
            await dependencies.audit.record(.mfaFailed, subject: user.id, details: ["method": method.rawValue])
            // Throws TooManyAttempts (429) when this failure fills the window.
            try await attempt.failed()
            return try await refused(outcome, page, token, signIn, user, method)
        }
        try await attempt.succeeded()
        try await dependencies.challenges.end(token: token)
        await dependencies.audit.record(method == .recovery ? .recoveryCodeUsed : .mfaUsed, subject: user.id,
                                        details: ["method": method.rawValue])
        if method == .recovery { try await recoveryCodeUsed(by: user) }
        var response = try await dependencies.signIn.complete(user: user, amr: amr, secondFactor: ProvenSecondFactor(rawValue: method.rawValue),
                                                              page: page, pendingID: signIn.pendingAuthorizationID)
        // Proving a factor the organization does not allow leads on to enrolling one it does,
        // under a new pending sign-in (and cookie).
        dependencies.pages.cookies.expire(SecondFactorGate.cookie, on: &response)
        return response
    }

    /// The page again, saying what was wrong (the failure was counted already).
    func refused(_ outcome: SecondFactorVerifier.Outcome, _ page: PageRequest, _ token: String, _ signIn: PendingSignIn, _ user: User,
                 _ method: SecondFactorVerifier.Method) async throws -> Response {
        switch outcome {
        case .proven, .wrongCode:
            let factors = Self.offered(try await dependencies.credentials.confirmedKinds(userID: user.id), signIn)
            return try await form(page, signIn: signIn, user: user, factors: factors, method: method, notice: nil,
                                  error: method == .recovery ? "That recovery code is not right or was already used. Check it and try again."
                                                             : "That code is not right. Check it and try again.")
        case .codeGone:
            let factors = Self.offered(try await dependencies.credentials.confirmedKinds(userID: user.id), signIn)
            var changed = signIn
            changed.emailTicket = nil
            try await dependencies.challenges.update(changed, token: token)
            return try await form(page, signIn: changed, user: user, factors: factors, method: .email, notice: nil,
                                  error: "That code no longer works: it expired or was tried too often. Ask for a new one.")
        }
    }

    /// The factors this sign-in may prove: those the organization allows, else (a member who
    /// holds none of them) the ones held, proven before an allowed one is enrolled.
    static func offered(_ held: [MFACredential.Kind], _ signIn: PendingSignIn) -> [MFACredential.Kind] {
        let counted = signIn.requirement.counting(held)
        return counted.isEmpty ? held : counted
    }

    func form(_ page: PageRequest, signIn: PendingSignIn, user: User, factors: [MFACredential.Kind],
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
        let csrf = page.csrfToken()
        let pending = try await signIn.pendingAuthorizationID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
        let clientName = try await pending.asyncFlatMap { try await dependencies.clients.find(id: $0.clientID)?.name }
        let emailOffered = factors.contains(.email) && dependencies.mail.outbox.isEnabled
        let view = MFAChallengeView(
            csrfToken: csrf.value, clientName: clientName, method: method.rawValue,
            instructions: instructions(method, signIn: signIn, user: user),
            codeLabel: method == .recovery ? "Recovery code" : method == .email ? "Code from the email" : "Code from your authenticator app",
            inputMode: method == .recovery ? "text" : "numeric", maxLength: method == .recovery ? 20 : 8,
            notice: notice, error: error,
            totpURL: method != .totp && available.contains(.totp) ? "/mfa?method=totp" : nil,
            recoveryURL: method != .recovery && available.contains(.recovery) ? "/mfa?method=recovery" : nil,
            emailAction: emailOffered ? "/mfa/email" : nil,
            emailButton: method == .email && signIn.emailTicket != nil ? "Send a new code" : "Email me a code")
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }

    func instructions(_ method: SecondFactorVerifier.Method, signIn: PendingSignIn, user: User) -> String {
        switch method {
        case .totp:
            return "Open your authenticator app and enter the 6-digit code it shows for \(dependencies.settings.issuerName)."
        case .email:
            return signIn.emailTicket == nil
                ? "We can email a 6-digit code to \(user.email)."
                : "We sent a 6-digit code to \(user.email). It works for 10 minutes."
        case .recovery:
            return "Enter one of the recovery codes you saved when you set up two-step verification. Each code works once."
        }
    }

    /// A recovery code is a last resort: the owner hears of each use.
    func recoveryCodeUsed(by user: User) async throws {
        guard dependencies.mail.outbox.isEnabled else { return }
        let left = try await dependencies.recoveryCodes.remaining(userID: user.id)
        let service = dependencies.accountSettings.serviceName
        try await dependencies.mail.sendNotice(
            to: user.email, subject: "A recovery code was used to sign in to \(service)",
            message: "Someone signed in to your account \(user.email) with one of its recovery codes. \(left == 1 ? "1 code is" : "\(left) codes are") left. "
                + "If you lost your authenticator, set up two-step verification again on your account page.")
    }
}
