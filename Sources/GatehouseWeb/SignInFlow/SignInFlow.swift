import GatehouseCore
import Hummingbird

/// The continuation of a sign-in, shared by every module a sign-in passes through (sign-in and
/// consent, accounts' email verification, the second factor), so none of them reaches into
/// another's pages: a proven user is finished here (`SignInCompletion`), and a pending
/// authorization request moves to its next step here (`AuthorizationContinuation`, which asks
/// `AuthorizationFlow` alone whether a code may be issued). Built once by `GatehouseModules`.
struct SignInFlow: Sendable {
    let continuation: AuthorizationContinuation
    let completion: SignInCompletion

    /// A user proved `amr` in this browser: the remaining checks, then a new session and the
    /// pending request `pendingID` (or the account page).
    func complete(user: User, amr: [String], secondFactor: ProvenSecondFactor? = nil, page: PageRequest,
                  pendingID: String?) async throws -> Response {
        try await completion.complete(user: user, amr: amr, secondFactor: secondFactor, page: page, pendingID: pendingID)
    }

    /// The pending request's next step: login, organization, second factor, consent, or the
    /// client with a code.
    func proceed(requestID: String, pending: PendingAuthorization, session: BrowserSession?,
                 answer: AuthorizationFlow.ConsentAnswer? = nil,
                 showConsent: ((BrowserSession) async throws -> Response)? = nil,
                 showOrganizations: ((BrowserSession) async throws -> Response)? = nil) async throws -> Response {
        try await continuation.proceed(requestID: requestID, pending: pending, session: session, answer: answer,
                                       showConsent: showConsent, showOrganizations: showOrganizations)
    }

    /// Nil when the session proved a second factor; else the way to prove or enrol one, after
    /// which a new session starts (`SecondFactorGate.demand`).
    func demandSecondFactor(user: User, session: BrowserSession) async throws -> Response? {
        try await continuation.gate.demand(user: user, session: session)
    }

    /// A failed authorization request: Gatehouse's error page, or back to the verified redirect URI.
    func respond(to failure: AuthorizationFailure) -> Response {
        continuation.respond(to: failure)
    }
}
