import Foundation
import GatehouseCore
import Hummingbird
import NIOCore

/// `GET /account/export`, `GET` and `POST /account/delete`.
struct AccountClosingPage {
    let dependencies: AccountClosingModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.accountGet("/account/export", use: .sensitive, export)
        routes.accountGet("/account/delete", use: .sensitive) { page, account in try await form(page, account, errors: []) }
        routes.accountPost("/account/delete", close)
    }

    /// The whole document as a download, never cached.
    func export(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let document = try await dependencies.exporter.export(account.user)
        await dependencies.audit.record(.userExported, subject: account.user.id)
        return Response(status: .ok, headers: [
            .contentType: "application/json", .cacheControl: "no-store",
            .contentDisposition: #"attachment; filename="gatehouse-account.json""#,
        ], body: .init(byteBuffer: ByteBuffer(bytes: try document.json())))
    }

    func form(_ page: PageRequest, _ account: SignedInAccount, errors: [String], choice: String = "deactivate") async throws -> Response {
        let csrf = page.csrfToken(requestID: nil)
        let view = AccountClosingView(csrfToken: csrf.value, email: account.user.email, serviceName: dependencies.serviceName,
                                      secondFactor: try await secondFactor(of: account.user), erase: choice == "erase", errors: errors)
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }

    /// Which second factor the form asks for: an authenticator (or a recovery code) when the
    /// user has one; with only emailed codes, this session must have proved one at sign-in.
    func secondFactor(of user: User) async throws -> AccountClosingView.SecondFactor {
        let confirmed = try await dependencies.factors.credentials(userID: user.id).filter(\.isConfirmed).map(\.kind)
        if confirmed.contains(.totp) { return .code }
        return confirmed.isEmpty ? .none : .provenAtSignIn
    }

    func close(_ page: PageRequest, _ account: SignedInAccount) async throws -> Response {
        let (form, user) = (page.form, account.user)
        let choice = form["choice"] == "erase" ? "erase" : "deactivate"
        guard form["confirm"] == "yes" else {
            return try await self.form(page, account, errors: ["Tick the box to confirm."], choice: choice)
        }
        guard try await dependencies.currentPassword.verify(form["current_password"], of: user) else {
            return try await self.form(page, account, errors: ["Your password is not right."], choice: choice)
        }
        switch try await secondFactor(of: user) {
        case .none: break
        case .provenAtSignIn:
            guard account.session.secondFactor != nil else {
                return try await self.form(page, account, errors: [
                    "Sign out and sign in again with your emailed code first: closing the account needs your second factor.",
                ], choice: choice)
            }
        case .code:
            guard try await secondFactorCode(form["code"] ?? "", of: user) else {
                return try await self.form(page, account, errors: ["The code from your authenticator app (or a recovery code) is not right."],
                                           choice: choice)
            }
        }
        do {
            if choice == "erase" {
                try await dependencies.lifecycle.eraseOwnAccount(user)
            } else {
                try await dependencies.lifecycle.deactivateOwnAccount(user)
            }
        } catch UserLifecycle.Refusal.lastSuperAdmin {
            return try await self.form(page, account, errors: [
                "You hold the last active super_admin role: give it to someone else before closing your account.",
            ], choice: choice)
        }
        let title = choice == "erase" ? "Your account is deleted" : "Your account is deactivated"
        let message = choice == "erase"
            ? "Everything about you is erased, and the applications you used were told. A last mail is on its way to confirm it."
            : "It cannot sign in, and every device and app was signed out. An administrator can reactivate it; a mail confirms this."
        var response = responder.page(NoticeView(title: title, message: message, linkURL: nil, linkText: nil))
        response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.session))
        return response
    }

    /// An authenticator code or a recovery code, under the second factor's attempt limit.
    func secondFactorCode(_ typed: String, of user: User) async throws -> Bool {
        let code = typed.filter { !$0.isWhitespace }
        guard !code.isEmpty else { return false }
        let attempt = try await dependencies.attempts.reserve(.secondFactor(userID: user.id), clientIP: nil)
        let proven = if code.count == 6, code.allSatisfy(\.isNumber) {
            try await dependencies.totp.verify(userID: user.id, code: code) == .accepted
        } else {
            try await dependencies.recoveryCodes.consume(userID: user.id, typed: code)
        }
        if proven { try await attempt.succeeded() } else { try await attempt.failed() }
        return proven
    }
}
