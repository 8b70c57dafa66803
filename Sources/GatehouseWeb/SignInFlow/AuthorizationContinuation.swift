import GatehouseCore
import Hummingbird

/// Moves a pending authorization request to its next step: the login page, the organization
/// picker, the second factor, the consent page, or the client's redirect URI with a code (or an
/// error). Shared by
/// `/authorize`, the sign-in pages and the consent page; what the next step is, and whether a
/// code may be issued at all, is decided by `AuthorizationFlow` alone.
struct AuthorizationContinuation: Sendable {
    let flow: AuthorizationFlow
    let states: any AuthorizationStateStore
    let issuer: String
    let gate: SecondFactorGate
    let responder: PageResponder

    /// Asks the flow for the next step and answers it. `answer` is the consent page's; the
    /// consent page also passes `showConsent`, and the organization picker `showOrganizations`,
    /// so a request that stops at that step is shown there rather than redirected to itself.
    func proceed(requestID: String, pending: PendingAuthorization, session: BrowserSession?,
                 answer: AuthorizationFlow.ConsentAnswer? = nil,
                 showConsent: ((BrowserSession) async throws -> Response)? = nil,
                 showOrganizations: ((BrowserSession) async throws -> Response)? = nil) async throws -> Response {
        let step: AuthorizationFlow.Step
        do {
            step = try await flow.next(pending, session: session, answer: answer)
        } catch let failure as AuthorizationFailure {
            try await states.deletePending(id: requestID)
            return respond(to: failure)
        }
        let again = "?request=\(FormEncoding.encodeComponent(requestID))"
        switch step {
        case .login:
            return Responses.seeOther("/login" + again)
        case .chooseOrganization:
            if let session, let showOrganizations { return try await showOrganizations(session) }
            return Responses.seeOther(OrganizationPickerPage.path + again)
        case .secondFactor:
            guard let session else { return Responses.seeOther("/login" + again) }
            return try await gate.stepUp(session: session, requestID: requestID)
        case .consent:
            if let session, let showConsent { return try await showConsent(session) }
            return Responses.seeOther("/consent" + again)
        case .issue(let code, let redirect):
            try await states.deletePending(id: requestID)
            return deliver(AuthorizationResponse.success(code: code, state: pending.state, issuer: issuer),
                           to: redirect, mode: pending.responseMode)
        }
    }

    func respond(to failure: AuthorizationFailure) -> Response {
        switch failure {
        case .display(let reason):
            return responder.error(title: reason.title, message: reason.message)
        case .redirect(let error, let redirect, let state, let mode):
            return deliver(AuthorizationResponse.failure(error, state: state, issuer: issuer),
                           to: redirect, mode: mode)
        }
    }

    func deliver(_ parameters: [(String, String)], to redirect: VerifiedRedirect, mode: ResponseMode) -> Response {
        switch mode {
        case .query:
            return Responses.seeOther(FormEncoding.appendingQuery(to: redirect.uri, parameters))
        case .formPost:
            return responder.page(FormPostView(action: redirect.uri,
                                               fields: parameters.map { FormPostView.Field(name: $0.0, value: $0.1) }))
        }
    }
}
