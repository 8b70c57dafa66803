import GatehouseCore
import Hummingbird

/// `GET`/`POST /consent`: the client's name and each scope in plain words, approve or deny.
/// Approval is remembered so the next sign-in skips this page. Both methods go through
/// `AuthorizationFlow`: the page is shown, and an approval counts, only when the flow's checks
/// (login, second factor, `max_age`, `acr_values`) pass at that moment.
struct ConsentPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    var continuation: AuthorizationContinuation {
        AuthorizationContinuation(dependencies: dependencies, responder: responder)
    }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/consent") { request, _ in
            do {
                guard let requestID = try FormBody.query(request).pendingRequestID(),
                      let pending = try await dependencies.states.pending(id: requestID) else { return expired() }
                return try await continuation.proceed(requestID: requestID, pending: pending, session: try await session(request)) {
                    try await page(request, requestID: requestID, pending: pending, session: $0)
                }
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/consent") { request, _ in
            do {
                return try await submit(request)
            } catch {
                return responder.failure(error)
            }
        }
    }

    func submit(_ request: Request) async throws -> Response {
        let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
        guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
        guard let requestID = try form.pendingRequestID(), let pending = try await dependencies.states.pending(id: requestID) else {
            return expired()
        }
        let answer: AuthorizationFlow.ConsentAnswer = form["decision"] == "approve" ? .approve : .deny
        return try await continuation.proceed(requestID: requestID, pending: pending, session: try await session(request),
                                              answer: answer)
    }

    func page(_ request: Request, requestID: String, pending: PendingAuthorization, session: BrowserSession) async throws -> Response {
        guard let client = try await dependencies.clients.find(id: pending.clientID),
              let user = try await dependencies.users.find(id: session.userID) else { return expired() }
        let (csrfToken, toSet) = csrf.issue(for: request, requestID: requestID)
        let view = ConsentView(
            csrfToken: csrfToken, requestID: requestID, clientName: client.name, userEmail: user.email,
            scopes: pending.scopes.map { ConsentView.ScopeLine(name: $0, explanation: Scope.explanation($0)) })
        return responder.page(view, cookies: toSet.map { [$0] } ?? [])
    }

    func session(_ request: Request) async throws -> BrowserSession? {
        try await dependencies.browserSessions.find(cookie: dependencies.cookie(BrowserCookies.session, in: request))
    }

    func expired() -> Response {
        responder.error(title: "Sign-in expired",
                        message: "This sign-in took too long or was already finished. Go back to the application and start again.")
    }
}
