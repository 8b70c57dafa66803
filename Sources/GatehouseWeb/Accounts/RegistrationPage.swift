import Foundation
import GatehouseCore
import Hummingbird

/// `/register`: open registration (or a page saying it is invite-only). The answer never
/// reveals whether the email has an account: both cases spend an argon2 hash and lead to the
/// same "check your email" page; the existing owner gets a notice instead of a code.
struct RegistrationPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    var settings: AccountSettings { dependencies.accounts.settings }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/register") { request, _ in
            do {
                let requestID = try FormBody.query(request).pendingRequestID()
                return try await page(request, requestID: requestID, name: "", email: "", errors: [])
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/register") { request, context in
            do {
                return try await submit(request, context: context)
            } catch {
                return responder.failure(error)
            }
        }
    }

    /// Why nobody can register here right now, or nil.
    var closedReason: String? {
        if settings.registration == .inviteOnly {
            return "Registration is by invitation only. Ask the people who run \(settings.serviceName) for an invitation."
        }
        if !dependencies.mailOutbox.isEnabled {
            return "Registration is not available: this server cannot send email to verify addresses."
        }
        return nil
    }

    func submit(_ request: Request, context: GatehouseRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
        guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
        try await dependencies.limitPerIP(.registration, context)
        let requestID = try form.pendingRequestID()
        guard closedReason == nil else {
            return try await page(request, requestID: requestID, name: "", email: "", errors: [])
        }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let email = User.normalizedEmail(form["email"] ?? "")
        let password = form["password"] ?? ""

        var errors: [String] = []
        if !EmailAddress.isPlausible(email) { errors.append("Enter your email address, like name@example.com.") }
        if name.count > 200 { errors.append("Use at most 200 characters for your name.") }
        if settings.termsURL != nil && form["accept_terms"] != "yes" {
            errors.append("Accept the terms of service to create an account.")
        }
        errors += try await NewPasswordCheck(dependencies: dependencies)
            .problems(password, confirmation: nil, context: PasswordContext(email: email, names: [name]), user: nil)
        guard errors.isEmpty else {
            return try await page(request, requestID: requestID, name: name, email: email, errors: errors)
        }

        // Both branches spend one argon2 hash, so the time taken says nothing either.
        try await dependencies.admitPasswordWork(.email(email), context)
        let hash = try await dependencies.hasher.hash(PasswordPolicy.normalized(password))
        let now = dependencies.clock.now
        let user = User(id: UUID(), email: email, emailVerified: false, name: name.isEmpty ? nil : name,
                        passwordHash: hash, createdAt: now, updatedAt: now)
        let verificationPage = EmailVerificationPage(dependencies: dependencies, responder: responder)
        var isNewAccount = true
        do {
            try await dependencies.users.create(user)
        } catch StoreError.conflict {
            isNewAccount = false
        }
        let issued = try await verificationPage.verification.issue(
            purpose: .accountEmail, userID: isNewAccount ? user.id : nil, email: email, pendingAuthorizationID: requestID)
        if isNewAccount {
            try await dependencies.accounts.passwordHistory.record(userID: user.id, hash: hash, at: now)
            if settings.termsURL != nil { try await dependencies.users.recordTermsAccepted(userID: user.id, at: now) }
            try await verificationPage.mail.sendVerification(to: email, issued: issued)
        } else {
            try await verificationPage.mail.sendAccountExists(to: email)
        }
        return verificationPage.redirectToPage(ticket: issued.ticket)
    }

    /// The form; with `errors` it is a refused submission shown again (400, `PageResponder.form`).
    func page(_ request: Request, requestID: String?, name: String, email: String, errors: [String]) async throws -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request, requestID: requestID)
        var clientName: String?
        if let requestID, let pending = try await dependencies.states.pending(id: requestID) {
            clientName = try await dependencies.clients.find(id: pending.clientID)?.name
        }
        let suffix = requestID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
        let view = RegisterView(
            csrfToken: csrfToken, requestID: requestID, clientName: clientName, closed: closedReason,
            name: name, email: email, passwordRules: dependencies.accounts.passwordPolicy.rules(forNewAccount: true),
            termsURL: settings.termsURL, privacyURL: settings.privacyURL, errors: errors, loginURL: "/login" + suffix)
        return responder.form(view, refused: !errors.isEmpty, cookies: toSet.map { [$0] } ?? [])
    }
}
