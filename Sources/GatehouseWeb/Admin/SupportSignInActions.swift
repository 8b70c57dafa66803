import Foundation
import GatehouseCore
import Hummingbird

/// Support sign-in from the console (issue 11 item 8): `POST /admin/users/<id>/support-sign-in`
/// (the user's page's form, with a reason; a sign-in within five minutes, like every destructive
/// action) starts a support session through Core's `SupportSignIn`, which asks the rule and
/// audits; `POST /support/end` (the banner's button on every page of it) ends it.
///
/// The support session lives in its own cookie (`gh_support`, 15 minutes) beside the
/// administrator's `gh_session`, which is left as it was: while the support cookie names a live
/// session the browser is the user's (`PageRequest.session`), and when it ends — the button, a
/// sign-out, its expiry, or the rule at its next use — the administrator is signed in as
/// themselves again, without signing in anew.
struct SupportSignInActions {
    let dependencies: AdminModule.Dependencies

    /// The last segment of the start form's path.
    static let action = "support-sign-in"

    func register(on routes: PageRoutes) {
        routes.post("/support/end") { page in try await end(page) }
    }

    func start(_ id: UUID, _ page: PageRequest, by admin: ConsoleAccess.Administrator) async throws -> Response {
        let responder = dependencies.pages.responder
        guard dependencies.access.isFresh(admin.account.session) else {
            return responder.error(
                title: "Sign in again first",
                message: "Signing in as a user needs a sign-in within the last five minutes. Sign out, sign in again, and come back to this page.",
                status: .forbidden)
        }
        do {
            let (_, secret) = try await dependencies.supportSignIn.start(
                userID: id, reason: page.form["reason"], by: admin.principal, from: admin.account.session,
                ipAddress: page.context.clientIP, userAgent: page.request.headers[.userAgent])
            var response = Responses.seeOther("/account")
            response.setCookie(dependencies.pages.cookies.make(BrowserCookies.support, value: secret,
                                                               maxAge: Int(SupportSignInRules.lifetime)))
            return response
        } catch let refusal as SupportSignInRules.Refusal {
            return Self.page(for: refusal, responder)
        }
    }

    /// Ends the browser's support session and goes back to the user's console page; a browser
    /// without one (ended already, or expired) just goes back to the console.
    func end(_ page: PageRequest) async throws -> Response {
        guard let session = page.support else {
            var response = Responses.seeOther("/admin")
            response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.support))
            return response
        }
        try await dependencies.supportSignIn.end(session, why: "ended by the administrator")
        var response = Responses.seeOther("/admin/users/" + session.userID.uuidString.lowercased() + "?done=" + Self.action + "-ended")
        response.setCookie(dependencies.pages.cookies.expired(BrowserCookies.support))
        return response
    }

    static func page(for refusal: SupportSignInRules.Refusal, _ responder: PageResponder) -> Response {
        switch refusal {
        case .notFound:
            return responder.error(title: "Page not found", message: "There is no page at this address.", status: .notFound)
        case .notPermitted:
            return responder.error(title: "Not allowed", message: "Signing in as a user is for super admins and site admins.", status: .forbidden)
        case .ownAccount:
            return responder.error(title: "Not allowed", message: "You cannot sign in as yourself for support.", status: .forbidden)
        case .administrator:
            return responder.error(title: "Not allowed",
                                   message: "This user holds an administrator role: nobody signs in as another administrator.",
                                   status: .forbidden)
        case .notActive:
            return responder.error(title: "Not allowed", message: "The account is not active: reactivate it first.", status: .conflict)
        case .reason:
            return responder.error(title: "A reason is needed",
                                   message: "Say why you sign in as this user (3 to 500 characters, one line): the user and the audit trail are shown it.",
                                   status: .badRequest)
        }
    }

    /// What the user's page says after a support session ended.
    static let notices = [action + "-ended": "The support session ended; you are signed in as yourself again."]
}
