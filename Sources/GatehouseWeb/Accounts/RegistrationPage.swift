import Foundation
import GatehouseCore
import Hummingbird

/// `/register`: open registration (or a page saying it is invite-only). The answer never
/// reveals whether the email has an account: both cases spend an argon2 hash and lead to the
/// same "check your email" page; the existing owner gets a notice instead of a code.
struct RegistrationPage {
    let dependencies: AccountsModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var settings: AccountSettings { dependencies.settings }

    func register(on routes: PageRoutes) {
        routes.get("/register") { page in
            try await form(page, requestID: try page.query.pendingRequestID(), name: "", email: "", errors: [])
        }
        routes.post("/register", limit: .registration, submit)
    }

    /// Why nobody can register here right now, or nil.
    var closedReason: String? {
        if settings.registration == .inviteOnly {
            return "Registration is by invitation only. Ask the people who run \(settings.serviceName) for an invitation."
        }
        if !dependencies.mail.outbox.isEnabled {
            return "Registration is not available: this server cannot send email to verify addresses."
        }
        return nil
    }

    func submit(_ page: PageRequest) async throws -> Response {
        let form = page.form
        let requestID = try form.pendingRequestID()
        guard closedReason == nil else {
            return try await self.form(page, requestID: requestID, name: "", email: "", errors: [])
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
        errors += try await dependencies.newPassword
            .problems(password, confirmation: nil, context: PasswordContext(email: email, names: [name]), user: nil)
        guard errors.isEmpty else {
            return try await self.form(page, requestID: requestID, name: name, email: email, errors: errors)
        }

        // Both branches spend one argon2 hash, so the time taken says nothing either.
        try await dependencies.passwordWork.admit(.email(email), from: page.origin)
        let hash = try await dependencies.hasher.hash(PasswordPolicy.normalized(password))
        let now = dependencies.clock.now
        let user = User(id: UUID(), email: email, emailVerified: false, name: name.isEmpty ? nil : name,
                        passwordHash: hash, createdAt: now, updatedAt: now)
        var isNewAccount = true
        do {
            try await dependencies.users.create(user)
        } catch StoreError.conflict {
            isNewAccount = false
        }
        let issued = try await dependencies.verification.issue(
            purpose: .accountEmail, userID: isNewAccount ? user.id : nil, email: email, pendingAuthorizationID: requestID)
        if isNewAccount {
            try await dependencies.passwordHistory.record(userID: user.id, hash: hash, at: now)
            if settings.termsURL != nil { try await dependencies.users.recordTermsAccepted(userID: user.id, at: now) }
            try await dependencies.mail.sendVerification(to: email, issued: issued)
        } else {
            try await dependencies.mail.sendAccountExists(to: email)
        }
        return dependencies.verificationStart.redirectToPage(ticket: issued.ticket)
    }

    /// The form; with `errors` it is a refused submission shown again (400, `PageResponder.form`).
    func form(_ page: PageRequest, requestID: String?, name: String, email: String, errors: [String]) async throws -> Response {
        let csrf = page.csrfToken(requestID: requestID)
        var clientName: String?
        if let requestID, let pending = try await dependencies.states.pending(id: requestID) {
            clientName = try await dependencies.clients.find(id: pending.clientID)?.name
        }
        let suffix = requestID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
        let view = RegisterView(
            csrfToken: csrf.value, requestID: requestID, clientName: clientName, closed: closedReason,
            name: name, email: email, passwordRules: dependencies.passwordPolicy.rules(forNewAccount: true),
            termsURL: settings.termsURL, privacyURL: settings.privacyURL, errors: errors, loginURL: "/login" + suffix)
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }
}
