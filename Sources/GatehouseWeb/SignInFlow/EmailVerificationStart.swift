import GatehouseCore
import Hummingbird

/// Starts proving an email address: issues the challenge, mails its code and link, and sends the
/// browser to `/verify-email` with a cookie marking it as the browser that asked (only that one
/// is signed in once the address is proven). Shared by every way into verification: a sign-in
/// that needs a verified address (`SignInCompletion`), registration and an email change.
struct EmailVerificationStart: Sendable {
    let verification: EmailVerification
    let mail: MailComposer
    let cookies: IssuerCookies

    /// The ticket of the challenge this browser started.
    static let cookie = BrowserCookie(name: "gh_verify")

    /// Sends the code for `user`'s account email and shows the page to type it.
    func start(for user: User, pendingID: String?) async throws -> Response {
        let issued = try await verification.issue(purpose: .accountEmail, userID: user.id, email: user.email,
                                                  pendingAuthorizationID: pendingID)
        try await mail.sendVerification(to: user.email, issued: issued)
        return redirectToPage(ticket: issued.ticket)
    }

    /// Shows the code page for a challenge that was just issued, marking this browser as the one
    /// that proved the password.
    func redirectToPage(ticket: String) -> Response {
        var response = Responses.seeOther("/verify-email?" + FormEncoding.encode([("ticket", ticket)]))
        response.setCookie(cookies.make(Self.cookie, value: ticket, maxAge: 1800))
        return response
    }
}
