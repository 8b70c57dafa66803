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
                let requestID = try FormBody.query(request)["request"]
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
        // First, before any other work: a flood from an address over its limit costs little.
        try await dependencies.limitPerIP(.login, context)
        let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
        guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
        let requestID = form["request"]
        let pending = try await requestID.asyncFlatMap { try await dependencies.states.pending(id: $0) }
        if requestID != nil && pending == nil { return expired() }
        let email = form["email"] ?? ""

        let outcome = try await dependencies.passwordLogin.authenticate(email: email, password: form["password"] ?? "",
                                                                        clientIP: context.clientIP)
        guard case .success(let user) = outcome
        else {
            Telemetry.login("invalid_credentials")
            await dependencies.recordAudit(.signInFailed, subject: nil, actor: "anonymous", clientID: pending?.clientID,
                                           details: ["email": User.normalizedEmail(email), "reason": "invalid_credentials"])
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
        let (csrfCookie, toSet) = csrf.cookie(for: request)
        let clientName = try await pending.asyncFlatMap { try await dependencies.clients.find(id: $0.clientID)?.name }
        let suffix = requestID.map { "?request=" + FormEncoding.encodeComponent($0) } ?? ""
        let registrationOpen = dependencies.accounts.settings.registration == .open && dependencies.mailOutbox.isEnabled
        let view = LoginView(csrfToken: csrf.token(forCookie: csrfCookie), requestID: requestID, clientName: clientName,
                             email: email, error: error, forgotURL: "/forgot-password" + suffix,
                             registerURL: registrationOpen ? "/register" + suffix : nil)
        return responder.page(view, status: .ok, cookies: toSet.map { [$0] } ?? [])
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
