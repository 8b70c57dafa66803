import GatehouseCore
import Hummingbird

/// `GET`/`POST /consent`: the client's name and each scope in plain words, approve or deny.
/// Approval is remembered so the next sign-in skips this page.
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
                guard let requestID = try FormBody.query(request)["request"],
                      let pending = try await dependencies.states.pending(id: requestID) else { return expired() }
                guard let session = try await session(request) else {
                    return try await continuation.proceed(requestID: requestID, pending: pending, session: nil)
                }
                return try await page(request, requestID: requestID, pending: pending, session: session)
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
        guard let requestID = form["request"], let pending = try await dependencies.states.pending(id: requestID) else {
            return expired()
        }
        guard let session = try await session(request), !dependencies.flow.needsLogin(pending, session: session) else {
            return try await continuation.proceed(requestID: requestID, pending: pending, session: nil)
        }
        guard let redirect = try await continuation.verifiedRedirect(for: pending) else { return expired() }
        try await dependencies.states.deletePending(id: requestID)
        guard form["decision"] == "approve" else {
            // OIDC Core §3.1.2.6: the user said no.
            return continuation.respond(to: .redirect(OAuthError(.accessDenied, "the user denied the request"),
                                                      to: redirect, state: pending.state, responseMode: pending.responseMode))
        }
        let code = try await dependencies.flow.approve(pending, session: session)
        await dependencies.recordAudit(.consentGranted, subject: session.userID, clientID: pending.clientID,
                                       details: ["scope": Scope.join(pending.scopes)])
        return continuation.success(code: code, pending: pending, redirect: redirect)
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
