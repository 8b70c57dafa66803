import Foundation
import GatehouseCore
import Hummingbird

/// `GET /account` and the POST actions of the account page. Each action runs on the account
/// pipeline (`PagePipeline.accountPost`): a valid CSRF token, the signed-in account, and — when
/// its form carries the current password (changing the email or password, every two-step
/// change) — argon2 admitted as password work (per address and per account) before it runs.
struct AccountActions {
    let dependencies: AccountsModule.Dependencies

    var accountPage: AccountPage { dependencies.accountPage }
    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.accountGet("/account") { page, account in
            let done = try page.query["done"].flatMap { AccountPage.notices[$0] }
            // A cursor that does not read is the first page, not an error.
            let after = try page.query["sessions_after"].flatMap(CursorText.session)
            return try await accountPage.show(page, account, notice: done, errors: [], sessionsAfter: after)
        }
        routes.accountPost("/account/profile", use: .profile, updateProfile)
        routes.accountPost("/account/email", changeEmail)
        routes.accountPost("/account/password", changePassword)
        routes.accountPost("/account/sessions/revoke", revokeSession)
        routes.accountPost("/account/sessions/revoke-all", signOutEverywhere)
        routes.accountPost("/account/apps/revoke", revokeApp)
    }

    func updateProfile(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        func field(_ name: String, _ limit: Int) -> String? {
            let value = (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? nil : String(value.prefix(limit))
        }
        let picture = field("picture", 2000)
        if let picture, URLComponents(string: picture)?.scheme != "https" || URLComponents(string: picture)?.host == nil {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: ["The picture must be an https:// address of an image."], open: .profile)
        }
        try await dependencies.users.updateProfile(userID: user.id, name: field("name", 200), givenName: field("given_name", 100),
                                                   familyName: field("family_name", 100), picture: picture, at: dependencies.clock.now)
        return Responses.seeOther("/account?done=profile")
    }

    func changeEmail(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        let newEmail = User.normalizedEmail(form["email"] ?? "")
        var errors: [String] = []
        if !dependencies.mail.outbox.isEnabled { errors.append("Changing the email is not available: this server cannot send email.") }
        if !EmailAddress.isPlausible(newEmail) { errors.append("Enter the new email address, like name@example.com.") }
        if newEmail == user.email { errors.append("That is already your email address.") }
        if errors.isEmpty, !(try await dependencies.currentPassword.verify(form["current_password"], of: user)) {
            errors.append("Your current password is not right.")
        }
        guard errors.isEmpty else {
            return try await accountPage.show(page, account, notice: nil, errors: errors, open: .email)
        }
        let taken = try await dependencies.users.find(email: newEmail) != nil
        let issued = try await dependencies.verification.issue(purpose: .emailChange, userID: taken ? nil : user.id, email: newEmail,
                                                               pendingAuthorizationID: nil)
        if taken {
            try await dependencies.mail.sendAccountExists(to: newEmail)
        } else {
            try await dependencies.mail.sendVerification(to: newEmail, issued: issued)
            try await dependencies.mail.sendNotice(
                to: user.email, subject: "A change of your \(dependencies.settings.serviceName) email was requested",
                message: "Someone signed in to your account asked to change its email to \(newEmail). It changes only once the code sent there is entered.")
        }
        return dependencies.verificationStart.redirectToPage(ticket: issued.ticket)
    }

    func changePassword(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        guard try await dependencies.currentPassword.verify(form["current_password"], of: user) else {
            return try await accountPage.show(page, account, notice: nil,
                                              errors: ["Your current password is not right."], open: .password)
        }
        let password = form["password"] ?? ""
        let check = dependencies.newPassword
        let problems = try await check.problems(password, confirmation: form["confirm"] ?? "", context: PasswordContext(user: user), user: user)
        guard problems.isEmpty else {
            return try await accountPage.show(page, account, notice: nil, errors: problems, open: .password)
        }
        try await check.setPassword(password, for: user.id)
        // Other devices and every app lose access; this browser stays signed in.
        try await dependencies.accountSecurity.passwordChanged(userID: user.id, keeping: account.session.id)
        await dependencies.audit.record(.passwordChanged, subject: user.id)
        if dependencies.mail.outbox.isEnabled {
            try await dependencies.mail
                .sendNotice(to: user.email, subject: "Your \(dependencies.settings.serviceName) password was changed",
                            message: "The password of your account \(user.email) was changed, and your other devices were signed out.")
        }
        return Responses.seeOther("/account?done=password")
    }

    func revokeSession(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        guard let id = form["session"].flatMap(UUID.init(uuidString:)),
              let target = try await dependencies.sessions.find(id: id), target.userID == user.id else {
            return Responses.seeOther("/account")
        }
        try await dependencies.sessions.revoke(id: id, at: dependencies.clock.now)
        await dependencies.audit.record(.sessionRevoked, subject: user.id, details: ["session_id": id.uuidString.lowercased()])
        guard id != account.session.id else { return signedOut(title: "Signed out", message: "You are signed out on this device.") }
        return Responses.seeOther("/account?done=session")
    }

    func signOutEverywhere(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let user = account.user
        try await dependencies.accountSecurity.signOutEverywhere(userID: user.id)
        await dependencies.audit.record(.signedOutEverywhere, subject: user.id)
        return signedOut(title: "Signed out everywhere",
                         message: "Every device is signed out and every app must ask you to sign in again.")
    }

    func revokeApp(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        guard let clientID = form["client"] else { return Responses.seeOther("/account") }
        let hadConsent = try await dependencies.consents.revoke(userID: user.id, clientID: clientID)
        try await dependencies.grantRevocation.revokeAll(userID: user.id, clientID: clientID, at: dependencies.clock.now)
        if hadConsent { await dependencies.audit.record(.consentRevoked, subject: user.id, clientID: clientID) }
        return Responses.seeOther("/account?done=app")
    }

    func signedOut(title: String, message: String) -> Response {
        var response = responder.page(NoticeView(title: title, message: message, linkURL: "/login", linkText: "Sign in again"))
        response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.session))
        return response
    }
}
