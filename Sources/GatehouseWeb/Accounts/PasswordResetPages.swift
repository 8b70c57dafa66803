import GatehouseCore
import Hummingbird

/// `/forgot-password` and `/reset-password`: the same answer whether or not the account exists;
/// a single-use 30-minute link; the new password must meet the policy; a reset signs the user
/// out everywhere and tells them by email.
struct PasswordResetPages {
    let dependencies: AccountsModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var resets: PasswordReset { dependencies.passwordResets }
    var mail: MailComposer { dependencies.mail }

    func register(on routes: PageRoutes) {
        routes.get("/forgot-password") { page in
            forgotPage(page, requestID: try page.query.pendingRequestID(), sentTo: nil)
        }
        routes.post("/forgot-password", limit: .passwordReset, submitForgot)
        routes.get("/reset-password") { page in
            let query = try page.query
            guard let token = query["token"], let userID = try await resets.user(of: token),
                  let user = try await dependencies.users.find(id: userID) else { return invalidLink() }
            let expired = query["expired"] == "1"
                ? ["Your password is too old to keep using. Choose a new one to continue."] : []
            return resetPage(page, token: token, email: user.email, errors: expired)
        }
        routes.post("/reset-password", submitReset)
    }

    func submitForgot(_ page: PageRequest) async throws -> Response {
        guard mail.outbox.isEnabled else { return forgotPage(page, requestID: nil, sentTo: nil) }
        let email = User.normalizedEmail(page.form["email"] ?? "")
        guard EmailAddress.isPlausible(email) else {
            return forgotPage(page, requestID: try page.form.pendingRequestID(), sentTo: nil,
                              error: "Enter the email address of your account, like name@example.com.")
        }
        // The link is made and mailed after the answer, off the request: whether an
        // account exists then changes neither the page nor how long it takes to come.
        let logger = page.context.logger
        Task { [mail, resets, users = dependencies.users] in
            do {
                if let user = try await users.find(email: email) {
                    try await mail.sendReset(to: user.email, token: try await resets.issue(userID: user.id))
                }
            } catch {
                logger.error("password reset mail failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        return forgotPage(page, requestID: try page.form.pendingRequestID(), sentTo: email)
    }

    func submitReset(_ page: PageRequest) async throws -> Response {
        let form = page.form
        guard let token = form["token"], let userID = try await resets.user(of: token),
              let user = try await dependencies.users.find(id: userID) else { return invalidLink() }
        // A working link proves the mailbox, so saying the account is closed reveals nothing; a
        // new password would not let it sign in anyway.
        guard user.status == .active else {
            return responder.accountClosed(user.status)
        }
        // The history check and the new hash run argon2: admitted per address and account first.
        try await dependencies.passwordWork.admit(.user(userID), from: page.origin)
        let password = form["password"] ?? ""
        let check = dependencies.newPassword
        let problems = try await check.problems(password, confirmation: form["confirm"] ?? "", context: PasswordContext(user: user), user: user)
        guard problems.isEmpty else { return resetPage(page, token: token, email: user.email, errors: problems, refused: true) }
        // Consuming is the atomic step: of two submissions at once, one wins.
        guard let link = try await resets.consume(token), link.userID == userID else { return invalidLink() }
        // A new password also voids every pending second-factor sign-in that proved the old one
        // (`SecondFactorChallenges` compares the password's time).
        try await check.setPassword(password, for: userID)
        if link.provesMailbox {
            // A mailed link proved control of the address: it counts as verified, and a lockout
            // of the password or of emailed codes must not keep the owner out any longer. (The
            // second-factor lock stays: the mailbox is not the second factor.) The forced change
            // of an expired password proves none of this.
            try await dependencies.users.markEmailVerified(userID: userID, at: dependencies.clock.now)
            try await dependencies.attemptLimiter.liftAfterPasswordReset(for: user)
        }
        try await dependencies.accountSecurity.passwordChanged(userID: userID, keeping: nil)
        await dependencies.audit.record(.passwordReset, subject: userID)
        try await mail.sendNotice(to: user.email, subject: "Your \(dependencies.settings.serviceName) password was changed",
                                  message: "The password of your account \(user.email) was just reset, and every device was signed out.")
        var response = responder.page(NoticeView(title: "Password changed",
                                                 message: "Your new password is saved and every device was signed out. Sign in with the new password.",
                                                 linkURL: "/login", linkText: "Sign in"))
        response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.session))
        return response
    }

    /// The form; with `error` it is a refused submission shown again (400, `PageResponder.form`).
    func forgotPage(_ page: PageRequest, requestID: String?, sentTo: String?, error: String? = nil) -> Response {
        let csrf = page.csrfToken(requestID: requestID)
        let suffix = requestID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
        let view = ForgotPasswordView(
            csrfToken: csrf.value, requestID: requestID, sentTo: sentTo,
            unavailable: mail.outbox.isEnabled ? nil : "Password reset is not available: this server cannot send email. Ask the people who run it for help.",
            loginURL: "/login" + suffix, error: error)
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }

    /// The form. `refused`: a submission came back with `errors` (400, `PageResponder.form`); the
    /// first showing may carry an explanation in `errors` too (an expired password), with 200.
    func resetPage(_ page: PageRequest, token: String, email: String, errors: [String], refused: Bool = false) -> Response {
        let csrf = page.csrfToken()
        let view = ResetPasswordView(csrfToken: csrf.value, token: token, email: email,
                                     passwordRules: dependencies.passwordPolicy.rules, errors: errors)
        return responder.form(view, refused: refused, cookies: csrf.cookies)
    }

    func invalidLink() -> Response {
        responder.page(NoticeView(title: "This link no longer works",
                                  message: "Reset links work once, for 30 minutes. Ask for a new one.",
                                  linkURL: "/forgot-password", linkText: "Send a new link"), status: .badRequest)
    }
}
