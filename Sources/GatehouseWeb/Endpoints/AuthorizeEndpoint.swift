import GatehouseCore
import Hummingbird

/// `GET`/`POST /authorize` (RFC 6749 §3.1, OIDC Core §3.1.2.1): validates the request, keeps
/// it as a pending authorization, and continues to login, consent or the code.
struct AuthorizeEndpoint {
    let dependencies: WebDependencies
    let responder: PageResponder

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/authorize") { request, context in
            await handle(request, context) { try FormBody.query(request) }
        }
        router.post("/authorize") { request, context in
            await handle(request, context) { try await FormBody.read(request, limit: dependencies.web.maxFormBytes) }
        }
    }

    func handle(_ request: Request, _ context: GatehouseRequestContext, parameters: () async throws -> RequestParameters) async -> Response {
        let continuation = AuthorizationContinuation(dependencies: dependencies, responder: responder)
        do {
            let pending = try await dependencies.validator.validate(try await parameters())
            // Stored within the address's and the overall budget (429 / 503 past them).
            let requestID = try await dependencies.pendingAuthorizations.start(pending, from: context.origin)
            // A cross-site POST arrives without the Lax cookie: that is "no session", not an error.
            let session = try await dependencies.browserSessions.find(cookie: dependencies.cookie(BrowserCookies.session, in: request))
            return try await continuation.proceed(requestID: requestID, pending: pending, session: session)
        } catch let failure as AuthorizationFailure {
            return continuation.respond(to: failure)
        } catch {
            return responder.failure(error)
        }
    }
}
