import GatehouseCore
import Hummingbird

/// `GET`/`POST /login`: the email + password page. Reached from `/authorize` with the pending
/// request's id, or on its own. A successful login always starts a new session (no fixation).
struct LoginPage {
    let dependencies: SignInModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.get("/login", show)
        routes.post("/login", submit)
    }

    func show(_ page: PageRequest) async throws -> Response {
        let requestID = try page.query.pendingRequestID()
        let pending = try await requestID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
        if requestID != nil && pending == nil { return expired() }
        return try await form(page, requestID: pending == nil ? nil : requestID, pending: pending,
                              email: pending?.loginHint ?? "", error: nil)
    }

    func submit(_ page: PageRequest) async throws -> Response {
        let requestID = try page.form.pendingRequestID()
        let pending = try await requestID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
        if requestID != nil && pending == nil { return expired() }
        let email = page.form["email"] ?? ""

        // Counts against the address's failures (given back when right) and the email's lock.
        let outcome = try await dependencies.passwordLogin.authenticate(email: email, password: page.form["password"] ?? "",
                                                                        from: page.origin)
        if case .notActive(let status) = outcome {
            Telemetry.login("account_\(status.rawValue)")
            let account = try await dependencies.users.find(email: User.normalizedEmail(email))
            await dependencies.audit.record(.signInFailed, subject: account?.id, actor: "anonymous", clientID: pending?.clientID,
                                            details: ["reason": "account_\(status.rawValue)"])
            return responder.accountClosed(status)
        }
        guard case .success(let user) = outcome
        else {
            Telemetry.login("invalid_credentials")
            let account = try await dependencies.users.find(email: User.normalizedEmail(email))
            await dependencies.audit.record(.signInFailed, subject: account?.id, actor: "anonymous", clientID: pending?.clientID,
                                            details: AuditEvent.signInFailureDetails(account: account))
            return try await form(page, requestID: requestID, pending: pending, email: email,
                                  error: "The email or password is not right. Check them and try again.")
        }
        Telemetry.login("success")
        if let expected = pending?.expectedSubject, expected != user.id.uuidString.lowercased() {
            return try await form(page, requestID: requestID, pending: pending, email: email,
                                  error: "The application asked for a different account. Sign in with the account you used there.")
        }

        // Email verification, the second factor and an expired password's change follow, in
        // that order, in SignInCompletion (SignInSteps).
        return try await dependencies.signIn.complete(user: user, amr: ["pwd"], page: page, pendingID: requestID)
    }

    func form(_ page: PageRequest, requestID: String?, pending: PendingAuthorization?, email: String, error: String?) async throws -> Response {
        let csrf = page.csrfToken(requestID: requestID)
        let clientName = try await pending.asyncFlatMap { try await dependencies.clients.find(id: $0.clientID)?.name }
        let suffix = requestID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
        let view = LoginView(csrfToken: csrf.value, requestID: requestID, clientName: clientName,
                             email: email, error: error, forgotURL: "/forgot-password" + suffix,
                             registerURL: dependencies.registrationOpen ? "/register" + suffix : nil)
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }

    func expired() -> Response {
        responder.error(title: "Sign-in expired",
                        message: "This sign-in took too long or was already finished. Go back to the application and start again.")
    }
}
