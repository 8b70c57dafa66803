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
        let email = User.normalizedEmail(form["email"] ?? "")
        let (entry, problems) = try await dependencies.newAccount.read(form, email: email)
        var errors: [String] = []
        if !EmailAddress.isPlausible(email) { errors.append("Enter your email address, like name@example.com.") }
        errors += problems
        guard errors.isEmpty else {
            return try await self.form(page, requestID: requestID, name: entry.name, email: email, errors: errors)
        }

        // Both branches spend one argon2 hash, so the time taken says nothing either.
        let (user, hash) = try await dependencies.newAccount.account(entry, email: email, verified: false, from: page.origin)
        var isNewAccount = true
        do {
            try await dependencies.users.create(user)
        } catch StoreError.conflict {
            isNewAccount = false
        }
        let issued = try await dependencies.verification.issue(
            purpose: .accountEmail, userID: isNewAccount ? user.id : nil, email: email, pendingAuthorizationID: requestID)
        if isNewAccount {
            try await dependencies.newAccount.created(user, hash: hash)
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
