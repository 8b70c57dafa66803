import GatehouseCore
import Hummingbird

/// `GET`/`POST /authorize` (RFC 6749 §3.1, OIDC Core §3.1.2.1): validates the request, keeps
/// it as a pending authorization, and continues to login, consent or the code.
struct AuthorizeRoute {
    let dependencies: SignInModule.Dependencies

    func register(on routes: PageRoutes) {
        routes.get("/authorize") { page in try await authorize(page, parameters: try page.query) }
        // The relying party's page posts it (RFC 6749 §3.1): no CSRF token can exist, and the
        // form is no more than the same request by GET.
        routes.post("/authorize", from: .relyingParty) { page in try await authorize(page, parameters: page.form) }
    }

    func authorize(_ page: PageRequest, parameters: RequestParameters) async throws -> Response {
        do {
            let pending = try await dependencies.validator.validate(parameters)
            // Stored within the address's and the overall budget (429 / 503 past them).
            let requestID = try await dependencies.pendingAuthorizations.start(pending, from: page.origin)
            // A cross-site POST arrives without the Lax cookie: that is "no session", not an error.
            return try await dependencies.signIn.proceed(requestID: requestID, pending: pending, session: try await page.session())
        } catch let failure as AuthorizationFailure {
            return dependencies.signIn.respond(to: failure)
        }
    }
}
