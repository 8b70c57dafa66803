import GatehouseCore
import Hummingbird

/// `/verify-email`: the page where a 6-digit code is typed, the emailed link, and resending.
/// A verified account email signs the browser in only if it is the browser that proved the
/// password (it holds the challenge's cookie); elsewhere the address is verified and the person
/// is asked to sign in.
struct EmailVerificationPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    static let cookie = BrowserCookie(name: "gh_verify")

    var verification: EmailVerification { dependencies.emailCodes }

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    var mail: MailComposer {
        MailComposer(pages: dependencies.pages, outbox: dependencies.mailOutbox, settings: dependencies.accounts.settings,
                     issuer: dependencies.settings.issuer)
    }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/verify-email") { request, _ in
            do {
                guard let ticket = try FormBody.query(request)["ticket"],
                      let challenge = try await verification.challenge(ticket: ticket) else { return expired() }
                return page(request, ticket: ticket, email: challenge.email, notice: nil, error: nil)
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/verify-email") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                try await dependencies.limitPerIP(.verification, context)
                guard let ticket = form["ticket"], let challenge = try await verification.challenge(ticket: ticket) else { return expired() }
                // Throws TooManyAttempts (429, a page saying when and how to get a new code) when
                // the address or the account has had too many wrong codes, whichever ticket.
                switch try await verification.verify(ticket: ticket, code: form["code"] ?? "", clientIP: context.clientIP) {
                case .verified(let verified):
                    return try await finish(verified, ticket: ticket, request: request, context: context)
                case .wrongCode(let remaining):
                    let tries = remaining == 1 ? "1 try" : "\(remaining) tries"
                    return page(request, ticket: ticket, email: challenge.email, notice: nil,
                                error: "That code is not right. Check the latest email and try again (\(tries) left).")
                case .tooManyAttempts:
                    return notice("Too many wrong codes", "For your safety this code no longer works. Go back and start again to get a new one.")
                case .expired:
                    return expired()
                }
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/verify-email/resend") { request, context in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                try await dependencies.limitPerIP(.verificationResend, context)
                guard let ticket = form["ticket"], let challenge = try await verification.challenge(ticket: ticket) else { return expired() }
                guard let (renewed, issued) = try await verification.reissue(ticket: ticket) else {
                    return page(request, ticket: ticket, email: challenge.email, notice: nil,
                                error: "We sent a code less than a minute ago. Wait a moment, then ask again.")
                }
                if renewed.userID == nil {
                    try await mail.sendAccountExists(to: renewed.email)
                } else {
                    try await mail.sendVerification(to: renewed.email, issued: issued)
                }
                return page(request, ticket: ticket, email: renewed.email, notice: "We sent a new code. Earlier codes no longer work.", error: nil)
            } catch {
                return responder.failure(error)
            }
        }
        router.get("/verify-email/link") { request, context in
            do {
                let query = try FormBody.query(request)
                guard let ticket = query["ticket"], let token = query["token"] else { return expired() }
                guard case .verified(let verified) = try await verification.verifyLink(ticket: ticket, token: token) else {
                    return notice("This link no longer works",
                                  "It was already used, has expired, or was replaced by a newer email. Start again to get a new one.")
                }
                return try await finish(verified, ticket: ticket, request: request, context: context)
            } catch {
                return responder.failure(error)
            }
        }
    }

    /// Sends the code for `user`'s account email and shows the page to type it.
    func start(for user: User, pendingID: String?, request: Request) async throws -> Response {
        let issued = try await verification.issue(purpose: .accountEmail, userID: user.id, email: user.email,
                                                  pendingAuthorizationID: pendingID)
        try await mail.sendVerification(to: user.email, issued: issued)
        return redirectToPage(ticket: issued.ticket)
    }

    /// Shows the code page for a challenge that was just issued, marking this browser as the one
    /// that proved the password.
    func redirectToPage(ticket: String) -> Response {
        var response = Responses.seeOther("/verify-email?" + FormEncoding.encode([("ticket", ticket)]))
        response.setCookie(BrowserCookies.make(Self.cookie, value: ticket, maxAge: 1800, secure: dependencies.secureCookies))
        return response
    }

    func finish(_ challenge: VerificationChallenge, ticket: String, request: Request, context: GatehouseRequestContext) async throws -> Response {
        guard let userID = challenge.userID, let user = try await dependencies.users.find(id: userID) else { return expired() }
        let now = dependencies.clock.now
        switch challenge.purpose {
        case .signInCode:
            // Second-factor codes are checked on /mfa only (their tickets never leave the server).
            return expired()
        case .accountEmail:
            guard user.email == challenge.email else { return expired() }
            try await dependencies.users.markEmailVerified(userID: userID, at: now)
            let sameBrowser = dependencies.cookie(Self.cookie, in: request).map { ConstantTime.equals($0, ticket) } ?? false
            guard sameBrowser, var verified = try await dependencies.users.find(id: userID) else {
                let suffix = challenge.pendingAuthorizationID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
                return notice("Email verified", "Your email address is verified. Sign in to continue.", link: ("/login" + suffix, "Sign in"))
            }
            verified.emailVerified = true
            var response = try await SignInCompletion(dependencies: dependencies, responder: responder)
                .complete(user: verified, amr: ["pwd"], request: request, context: context, pendingID: challenge.pendingAuthorizationID)
            response.setCookie(BrowserCookies.expired(Self.cookie, secure: dependencies.secureCookies))
            return response
        case .emailChange:
            let oldEmail = user.email
            do {
                try await dependencies.users.changeEmail(userID: userID, to: challenge.email, at: now)
            } catch StoreError.conflict {
                return notice("That address cannot be used", "Another account uses it now. Your email was not changed.",
                              link: ("/account", "Back to your account"))
            }
            await dependencies.recordAudit(.emailChanged, subject: userID, details: ["from": oldEmail, "to": challenge.email])
            try await mail.sendNotice(to: oldEmail, subject: "Your \(dependencies.accounts.settings.serviceName) email was changed",
                                      message: "The email of your account was changed from \(oldEmail) to \(challenge.email).")
            return Responses.seeOther("/account?done=email")
        }
    }

    func page(_ request: Request, ticket: String, email: String, notice: String?, error: String?) -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request)
        let view = VerifyEmailView(csrfToken: csrfToken, ticket: ticket, email: email,
                                   action: "/verify-email", resendAction: "/verify-email/resend", notice: notice, error: error)
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }

    func notice(_ title: String, _ message: String, link: (String, String)? = nil) -> Response {
        responder.page(NoticeView(title: title, message: message, linkURL: link?.0, linkText: link?.1))
    }

    func expired() -> Response {
        notice("This code has expired", "Codes work for 15 minutes. Go back and start again to get a new one.")
    }
}
