import GatehouseCore
import Hummingbird

/// `GET`/`POST /login`: the email + password page. Reached from `/authorize` with the pending
/// request's id, or on its own. A successful login always starts a new session (no fixation).
struct LoginPage {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    func register(on router: Router<GatehouseRequestContext>) {
        router.get("/login") { request, _ in
            do {
                let requestID = try FormBody.query(request).pendingRequestID()
                let pending = try await requestID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
                if requestID != nil && pending == nil { return expired() }
                return try await page(request, requestID: pending == nil ? nil : requestID, pending: pending,
                                      email: pending?.loginHint ?? "", error: nil)
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/login") { request, context in
            do {
                return try await submit(request, context: context)
            } catch {
                return responder.failure(error)
            }
        }
    }

    func submit(_ request: Request, context: GatehouseRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
        guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
        let requestID = try form.pendingRequestID()
        let pending = try await requestID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
        if requestID != nil && pending == nil { return expired() }
        let email = form["email"] ?? ""

        // Counts against the address's failures (given back when right) and the email's lock.
        let outcome = try await dependencies.passwordLogin.authenticate(email: email, password: form["password"] ?? "",
                                                                        from: context.origin)
        guard case .success(let user) = outcome
        else {
            Telemetry.login("invalid_credentials")
            let account = try await dependencies.users.find(email: User.normalizedEmail(email))
            await dependencies.recordAudit(.signInFailed, subject: account?.id, actor: "anonymous", clientID: pending?.clientID,
                                           details: AuditEvent.signInFailureDetails(account: account))
            return try await page(request, requestID: requestID, pending: pending, email: email,
                                  error: "The email or password is not right. Check them and try again.")
        }
        Telemetry.login("success")
        if let expected = pending?.expectedSubject, expected != user.id.uuidString.lowercased() {
            return try await page(request, requestID: requestID, pending: pending, email: email,
                                  error: "The application asked for a different account. Sign in with the account you used there.")
        }

        // Email verification, the second factor and an expired password's change follow, in
        // that order, in SignInCompletion (SignInSteps).
        return try await SignInCompletion(dependencies: dependencies, responder: responder)
            .complete(user: user, amr: ["pwd"], request: request, context: context, pendingID: requestID)
    }

    func page(_ request: Request, requestID: String?, pending: PendingAuthorization?, email: String, error: String?) async throws -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request, requestID: requestID)
        let clientName = try await pending.asyncFlatMap { try await dependencies.clients.find(id: $0.clientID)?.name }
        let suffix = requestID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
        let registrationOpen = dependencies.accounts.settings.registration == .open && dependencies.mailOutbox.isEnabled
        let view = LoginView(csrfToken: csrfToken, requestID: requestID, clientName: clientName,
                             email: email, error: error, forgotURL: "/forgot-password" + suffix,
                             registerURL: registrationOpen ? "/register" + suffix : nil)
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }

    func expired() -> Response {
        responder.error(title: "Sign-in expired",
                        message: "This sign-in took too long or was already finished. Go back to the application and start again.")
    }
}

extension Optional {
    /// `flatMap` for async transforms.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
