import GatehouseCore
import Hummingbird

/// `/verify-email`: the page where a 6-digit code is typed, the emailed link, and resending.
/// A verified account email signs the browser in only if it is the browser that proved the
/// password (it holds the challenge's cookie); elsewhere the address is verified and the person
/// is asked to sign in.
struct EmailVerificationPage {
    let dependencies: AccountsModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }
    var verification: EmailVerification { dependencies.verification }
    var mail: MailComposer { dependencies.mail }

    func register(on routes: PageRoutes) {
        routes.get("/verify-email") { page in
            guard let ticket = try page.query["ticket"],
                  let challenge = try await verification.challenge(ticket: ticket) else { return expired() }
            return form(page, ticket: ticket, email: challenge.email, notice: nil, error: nil)
        }
        routes.post("/verify-email", limit: .verification, submitCode)
        routes.post("/verify-email/resend", limit: .verificationResend, resend)
        routes.get("/verify-email/link") { page in
            let query = try page.query
            guard let ticket = query["ticket"], let token = query["token"] else { return expired() }
            guard case .verified(let verified) = try await verification.verifyLink(ticket: ticket, token: token) else {
                return notice("This link no longer works",
                              "It was already used, has expired, or was replaced by a newer email. Start again to get a new one.")
            }
            return try await finish(verified, ticket: ticket, page: page)
        }
    }

    func submitCode(_ page: PageRequest) async throws -> Response {
        guard let ticket = page.form["ticket"], let challenge = try await verification.challenge(ticket: ticket) else { return expired() }
        // Throws TooManyAttempts (429, a page saying when and how to get a new code) when
        // the address or the account has had too many wrong codes, whichever ticket.
        switch try await verification.verify(ticket: ticket, code: page.form["code"] ?? "", clientIP: page.context.clientIP) {
        case .verified(let verified):
            return try await finish(verified, ticket: ticket, page: page)
        case .wrongCode(let remaining):
            let tries = remaining == 1 ? "1 try" : "\(remaining) tries"
            return form(page, ticket: ticket, email: challenge.email, notice: nil,
                        error: "That code is not right. Check the latest email and try again (\(tries) left).")
        case .tooManyAttempts:
            return notice("Too many wrong codes", "For your safety this code no longer works. Go back and start again to get a new one.")
        case .expired:
            return expired()
        }
    }

    func resend(_ page: PageRequest) async throws -> Response {
        guard let ticket = page.form["ticket"], let challenge = try await verification.challenge(ticket: ticket) else { return expired() }
        guard let (renewed, issued) = try await verification.reissue(ticket: ticket) else {
            return form(page, ticket: ticket, email: challenge.email, notice: nil,
                        error: "We sent a code less than a minute ago. Wait a moment, then ask again.")
        }
        if renewed.userID == nil {
            try await mail.sendAccountExists(to: renewed.email)
        } else {
            try await mail.sendVerification(to: renewed.email, issued: issued)
        }
        return form(page, ticket: ticket, email: renewed.email, notice: "We sent a new code. Earlier codes no longer work.", error: nil)
    }

    func finish(_ challenge: VerificationChallenge, ticket: String, page: PageRequest) async throws -> Response {
        guard let userID = challenge.userID, let user = try await dependencies.users.find(id: userID) else { return expired() }
        let now = dependencies.clock.now
        switch challenge.purpose {
        case .signInCode:
            // Second-factor codes are checked on /mfa only (their tickets never leave the server).
            return expired()
        case .accountEmail:
            guard user.email == challenge.email else { return expired() }
            try await dependencies.users.markEmailVerified(userID: userID, at: now)
            let sameBrowser = page.cookie(EmailVerificationStart.cookie).map { ConstantTime.equals($0, ticket) } ?? false
            guard sameBrowser, var verified = try await dependencies.users.find(id: userID) else {
                let suffix = challenge.pendingAuthorizationID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
                return notice("Email verified", "Your email address is verified. Sign in to continue.", link: ("/login" + suffix, "Sign in"))
            }
            verified.emailVerified = true
            var response = try await dependencies.signIn.complete(user: verified, amr: ["pwd"], page: page,
                                                                  pendingID: challenge.pendingAuthorizationID)
            response.setCookie(dependencies.pages.cookies.expired(EmailVerificationStart.cookie))
            return response
        case .emailChange:
            let oldEmail = user.email
            do {
                try await dependencies.users.changeEmail(userID: userID, to: challenge.email, at: now)
            } catch StoreError.conflict {
                return notice("That address cannot be used", "Another account uses it now. Your email was not changed.",
                              link: ("/account", "Back to your account"))
            }
            await dependencies.audit.record(.emailChanged, subject: userID, details: ["from": oldEmail, "to": challenge.email])
            try await mail.sendNotice(to: oldEmail, subject: "Your \(dependencies.settings.serviceName) email was changed",
                                      message: "The email of your account was changed from \(oldEmail) to \(challenge.email).")
            return Responses.seeOther("/account?done=email")
        }
    }

    func form(_ page: PageRequest, ticket: String, email: String, notice: String?, error: String?) -> Response {
        let csrf = page.csrfToken()
        let view = VerifyEmailView(csrfToken: csrf.value, ticket: ticket, email: email,
                                   action: "/verify-email", resendAction: "/verify-email/resend", notice: notice, error: error)
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }

    func notice(_ title: String, _ message: String, link: (String, String)? = nil) -> Response {
        responder.page(NoticeView(title: title, message: message, linkURL: link?.0, linkText: link?.1))
    }

    func expired() -> Response {
        notice("This code has expired", "Codes work for 15 minutes. Go back and start again to get a new one.")
    }
}
