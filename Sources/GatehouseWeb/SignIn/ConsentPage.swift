import GatehouseCore
import Hummingbird

/// `GET`/`POST /consent`: the client's name and each scope in plain words, approve or deny.
/// Approval is remembered so the next sign-in skips this page. Both methods go through
/// `AuthorizationFlow`: the page is shown, and an approval counts, only when the flow's checks
/// (login, second factor, `max_age`, `acr_values`) pass at that moment.
struct ConsentPage {
    let dependencies: SignInModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.get("/consent", show)
        routes.post("/consent", submit)
    }

    func show(_ page: PageRequest) async throws -> Response {
        guard let requestID = try page.query.pendingRequestID(),
              let pending = try await dependencies.states.pending(id: requestID) else { return expired() }
        return try await dependencies.signIn.proceed(requestID: requestID, pending: pending, session: try await page.session()) {
            try await form(page, requestID: requestID, pending: pending, session: $0)
        }
    }

    func submit(_ page: PageRequest) async throws -> Response {
        guard let requestID = try page.form.pendingRequestID(), let pending = try await dependencies.states.pending(id: requestID) else {
            return expired()
        }
        let answer: AuthorizationFlow.ConsentAnswer = page.form["decision"] == "approve" ? .approve : .deny
        return try await dependencies.signIn.proceed(requestID: requestID, pending: pending, session: try await page.session(),
                                                     answer: answer)
    }

    func form(_ page: PageRequest, requestID: String, pending: PendingAuthorization, session: BrowserSession) async throws -> Response {
        guard let client = try await dependencies.clients.find(id: pending.clientID),
              let user = try await dependencies.users.find(id: session.userID) else { return expired() }
        let csrf = page.csrfToken(requestID: requestID)
        let view = ConsentView(
            csrfToken: csrf.value, requestID: requestID, clientName: client.name, userEmail: user.email,
            scopes: pending.scopes.map { ConsentView.ScopeLine(name: $0, explanation: Scope.explanation($0)) })
        return responder.page(view, cookies: csrf.cookies)
    }

    func expired() -> Response {
        responder.error(title: "Sign-in expired",
                        message: "This sign-in took too long or was already finished. Go back to the application and start again.")
    }
}
