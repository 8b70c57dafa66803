import Foundation
import GatehouseCore
import Hummingbird

/// The door of every console page, in one place: a signed-in browser (else off to sign in and
/// back here), an administrator by the roles read from the database on this request (else a
/// 403 page), and — with `GATEHOUSE_ADMIN_MFA` — a session that proved a second factor (else
/// off to prove one, or to enrol one, and back).
struct ConsoleAccess: Sendable {
    let pages: PagePipeline
    let signIn: SignInFlow
    let principals: Principals
    let requireSecondFactor: Bool
    let clock: any Clock

    /// How recent a sign-in must be before a destructive action (`isFresh`).
    static let freshSignIn: TimeInterval = 5 * 60

    /// An administrator on a console page: who, and their session.
    struct Administrator: Sendable {
        let principal: Principal
        let account: SignedInAccount
    }

    /// Runs `body` for an administrator, or answers with the way in.
    func admit(_ page: PageRequest, _ body: (Administrator) async throws -> Response) async throws -> Response {
        // Back to this page after signing in; an action's form (a POST) comes back to the console.
        let back = page.request.method == .get ? page.request.uri.description : "/admin"
        guard let account = try await pages.signedIn(page) else {
            var response = Responses.seeOther("/login")
            response.setCookie(ReturnAfterSignIn.remember(back, cookies: pages.cookies))
            return response
        }
        // A support session is the user's browser: the console is never reached from one, whoever
        // started it (the banner's button ends it and the administrator's own session is back).
        if account.session.support != nil {
            return pages.responder.error(title: "Not during a support session",
                                         message: "The console is not available while you act as a user. End the support session first.",
                                         status: .forbidden)
        }
        let principal = try await principals.principal(userID: account.user.id)
        guard ConsoleUserAccess.scope(of: principal.roles) != nil else {
            return pages.responder.error(title: "Not for this account",
                                         message: "The console is for administrators. Your account holds no administrator role.",
                                         status: .forbidden)
        }
        if requireSecondFactor, var detour = try await signIn.demandSecondFactor(user: account.user, session: account.session) {
            detour.setCookie(ReturnAfterSignIn.remember(back, cookies: pages.cookies))
            return detour
        }
        return try await body(Administrator(principal: principal, account: account))
    }

    /// Whether the session signed in within the last five minutes: destructive actions (erase,
    /// delete, rotating a secret) ask for it and send the administrator to sign in again when not.
    func isFresh(_ session: BrowserSession) -> Bool {
        clock.now.timeIntervalSince(session.authTime) <= Self.freshSignIn
    }
}
