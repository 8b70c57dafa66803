import Foundation
import GatehouseCore
import Hummingbird

/// The POST actions of the account page. Each needs the session and a valid CSRF token. An
/// action whose form carries the current password (changing the email or password, every
/// two-step change) runs argon2 — up to `historyCount + 2` hashes for a new password — so it is
/// admitted as password work (`PasswordWorkLimiter`: per address and per account) before it runs.
struct AccountActions {
    let page: AccountPage

    var dependencies: WebDependencies { page.dependencies }
    var responder: PageResponder { page.responder }

    typealias Action = @Sendable (Request, RequestParameters, BrowserSession, User) async throws -> Response

    func register(on router: Router<GatehouseRequestContext>) {
        route(router, "/account/profile", updateProfile)
        route(router, "/account/email", changeEmail)
        route(router, "/account/password", changePassword)
        route(router, "/account/sessions/revoke", revokeSession)
        route(router, "/account/sessions/revoke-all", signOutEverywhere)
        route(router, "/account/apps/revoke", revokeApp)
    }

    func route(_ router: Router<GatehouseRequestContext>, _ path: String, _ action: @escaping Action) {
        router.post(RouterPath(path)) { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard page.csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                guard let (session, user) = try await page.signedIn(request) else { return Responses.seeOther("/login") }
                // `verifyPassword` hashes only a password that was sent: charge exactly those.
                if form["current_password"] != nil { try await dependencies.admitPasswordWork(.user(user.id), context) }
                return try await action(request, form, session, user)
            } catch {
                return responder.failure(error)
            }
        }
    }

    func updateProfile(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        func field(_ name: String, _ limit: Int) -> String? {
            let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? nil : String(value.prefix(limit))
        }
        let picture = field("picture", 2000)
        if let picture, URLComponents(string: picture)?.scheme != "https" || URLComponents(string: picture)?.host == nil {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["The picture must be an https:// address of an image."], open: .profile)
        }
        try await dependencies.users.updateProfile(userID: user.id, name: field("name", 200), givenName: field("given_name", 100),
                                                   familyName: field("family_name", 100), picture: picture, at: dependencies.clock.now)
        return Responses.seeOther("/account?done=profile")
    }

    func changeEmail(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        let newEmail = User.normalizedEmail(form["email"] ?? "")
        var errors: [String] = []
        if !dependencies.mailOutbox.isEnabled { errors.append("Changing the email is not available: this server cannot send email.") }
        if !EmailAddress.isPlausible(newEmail) { errors.append("Enter the new email address, like name@example.com.") }
        if newEmail == user.email { errors.append("That is already your email address.") }
        if errors.isEmpty, !(try await verifyPassword(form["current_password"], of: user)) {
            errors.append("Your current password is not right.")
        }
        guard errors.isEmpty else {
            return try await page.page(request, user: user, session: session, notice: nil, errors: errors, open: .email)
        }
        let verification = EmailVerificationPage(dependencies: dependencies, responder: responder)
        let taken = try await dependencies.users.find(email: newEmail) != nil
        let issued = try await verification.verification.issue(purpose: .emailChange, userID: taken ? nil : user.id, email: newEmail,
                                                               pendingAuthorizationID: nil)
        if taken {
            try await verification.mail.sendAccountExists(to: newEmail)
        } else {
            try await verification.mail.sendVerification(to: newEmail, issued: issued)
            try await verification.mail.sendNotice(
                to: user.email, subject: "A change of your \(dependencies.accounts.settings.serviceName) email was requested",
                message: "Someone signed in to your account asked to change its email to \(newEmail). It changes only once the code sent there is entered.")
        }
        return verification.redirectToPage(ticket: issued.ticket)
    }

    func changePassword(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        guard try await verifyPassword(form["current_password"], of: user) else {
            return try await page.page(request, user: user, session: session, notice: nil,
                                       errors: ["Your current password is not right."], open: .password)
        }
        let password = form["password"] ?? ""
        let check = NewPasswordCheck(dependencies: dependencies)
        let problems = try await check.problems(password, confirmation: form["confirm"] ?? "", context: PasswordContext(user: user), user: user)
        guard problems.isEmpty else {
            return try await page.page(request, user: user, session: session, notice: nil, errors: problems, open: .password)
        }
        try await check.setPassword(password, for: user.id)
        // Other devices and every app lose access; this browser stays signed in.
        try await dependencies.accountSecurity.passwordChanged(userID: user.id, keeping: session.id)
        await dependencies.recordAudit(.passwordChanged, subject: user.id)
        if dependencies.mailOutbox.isEnabled {
            try await MailComposer(pages: dependencies.pages, outbox: dependencies.mailOutbox, settings: dependencies.accounts.settings,
                                   issuer: dependencies.settings.issuer)
                .sendNotice(to: user.email, subject: "Your \(dependencies.accounts.settings.serviceName) password was changed",
                            message: "The password of your account \(user.email) was changed, and your other devices were signed out.")
        }
        return Responses.seeOther("/account?done=password")
    }

    func revokeSession(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        guard let id = form["session"].flatMap(UUID.init(uuidString:)),
              let target = try await dependencies.sessions.find(id: id), target.userID == user.id else {
            return Responses.seeOther("/account")
        }
        try await dependencies.sessions.revoke(id: id, at: dependencies.clock.now)
        await dependencies.recordAudit(.sessionRevoked, subject: user.id, details: ["session_id": id.uuidString.lowercased()])
        guard id != session.id else { return signedOut(title: "Signed out", message: "You are signed out on this device.") }
        return Responses.seeOther("/account?done=session")
    }

    func signOutEverywhere(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        try await dependencies.accountSecurity.signOutEverywhere(userID: user.id)
        await dependencies.recordAudit(.signedOutEverywhere, subject: user.id)
        return signedOut(title: "Signed out everywhere",
                         message: "Every device is signed out and every app must ask you to sign in again.")
    }

    func revokeApp(_ request: Request, _ form: RequestParameters, _ session: BrowserSession, _ user: User) async throws -> Response {
        guard let clientID = form["client"] else { return Responses.seeOther("/account") }
        let hadConsent = try await dependencies.consents.revoke(userID: user.id, clientID: clientID)
        try await dependencies.grantRevocation.revokeAll(userID: user.id, clientID: clientID, at: dependencies.clock.now)
        if hadConsent { await dependencies.recordAudit(.consentRevoked, subject: user.id, clientID: clientID) }
        return Responses.seeOther("/account?done=app")
    }

    /// The current password, checked under the same per-account limit as sign-in: a stolen
    /// session cannot be used to guess it either.
    func verifyPassword(_ password: String?, of user: User) async throws -> Bool {
        guard let password, let hash = user.passwordHash else { return false }
        let attempt = try await dependencies.attemptLimiter.reserve(.password(email: user.email), clientIP: nil)
        guard try await dependencies.hasher.verify(PasswordPolicy.normalized(password), against: hash) else {
            try await attempt.failed()
            return false
        }
        try await attempt.succeeded()
        return true
    }

    func signedOut(title: String, message: String) -> Response {
        var response = responder.page(NoticeView(title: title, message: message, linkURL: "/login", linkText: "Sign in again"))
        response.setCookie(BrowserCookies.expired(BrowserCookies.session, secure: dependencies.secureCookies))
        return response
    }
}
