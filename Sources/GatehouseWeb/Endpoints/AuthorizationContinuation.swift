import GatehouseCore
import Hummingbird

/// Moves a pending authorization request to its next step: the login page, the consent page,
/// or the client's redirect URI with a code (or an error). Shared by `/authorize`, the login
/// and the consent pages so the decision lives in one place (`AuthorizationFlow`).
struct AuthorizationContinuation {
    let dependencies: WebDependencies
    let responder: PageResponder

    func proceed(requestID: String, pending: PendingAuthorization, session: BrowserSession?) async throws -> Response {
        guard let redirect = try await verifiedRedirect(for: pending) else {
            return responder.error(title: "Unknown application", message: "The application is no longer registered with this server.")
        }
        do {
            switch try await dependencies.flow.next(pending, session: session, redirect: redirect) {
            case .login:
                return Responses.seeOther("/login?request=\(FormEncoding.encodeComponent(requestID))")
            case .secondFactor:
                guard let session else { return Responses.seeOther("/login?request=\(FormEncoding.encodeComponent(requestID))") }
                return try await SecondFactorGate(dependencies: dependencies, responder: responder)
                    .stepUp(session: session, requestID: requestID)
            case .consent:
                return Responses.seeOther("/consent?request=\(FormEncoding.encodeComponent(requestID))")
            case .issue(let code):
                try await dependencies.states.deletePending(id: requestID)
                return success(code: code, pending: pending, redirect: redirect)
            }
        } catch let failure as AuthorizationFailure {
            try await dependencies.states.deletePending(id: requestID)
            return respond(to: failure)
        }
    }

    /// The client and its redirect URI, checked again: the client may have changed since.
    func verifiedRedirect(for pending: PendingAuthorization) async throws -> VerifiedRedirect? {
        guard let client = try await dependencies.clients.find(id: pending.clientID) else { return nil }
        return RedirectURIPolicy.verify(pending.redirectURI, for: client)
    }

    func success(code: String, pending: PendingAuthorization, redirect: VerifiedRedirect) -> Response {
        deliver(AuthorizationResponse.success(code: code, state: pending.state, issuer: dependencies.settings.issuer),
                to: redirect, mode: pending.responseMode)
    }

    func respond(to failure: AuthorizationFailure) -> Response {
        switch failure {
        case .display(let title, let message):
            return responder.error(title: title, message: message)
        case .redirect(let error, let redirect, let state, let mode):
            return deliver(AuthorizationResponse.failure(error, state: state, issuer: dependencies.settings.issuer),
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
