import GatehouseCore
import Hummingbird

/// `/mfa/enrol/email`: the other way to meet a second-factor requirement at sign-in, for people
/// without an authenticator app. A code mailed to the (verified) address proves the mailbox
/// first; only then is the emailed-code factor turned on, the recovery codes shown once and the
/// sign-in continued. Until that code is entered a password alone gets nothing: no factor, no
/// recovery codes.
struct MFAEmailEnrolment {
    let dependencies: WebDependencies
    let responder: PageResponder

    var csrf: CSRFProtection {
        CSRFProtection(key: dependencies.csrfKey, crypto: dependencies.crypto, secureCookies: dependencies.secureCookies)
    }

    var challengePage: MFAPage { MFAPage(dependencies: dependencies, responder: responder) }
    var enrolment: MFAEnrolmentPage { MFAEnrolmentPage(dependencies: dependencies, responder: responder) }

    /// Emailed codes need a server that sends mail and an address already proven to be the user's.
    static func isAvailable(_ dependencies: WebDependencies, for user: User) -> Bool {
        dependencies.mailOutbox.isEnabled && user.emailVerified
    }

    /// The sign-in waiting for this enrolment.
    struct Enrolling {
        let token: String
        let signIn: PendingSignIn
        let user: User
    }

    /// The sign-in, or the answer for a browser that is elsewhere in it.
    enum Pending {
        case ready(Enrolling)
        case elsewhere(Response)
    }

    func pendingEnrolment(_ request: Request) async throws -> Pending {
        guard let (token, signIn, user) = try await challengePage.current(request) else { return .elsewhere(challengePage.expired()) }
        if signIn.provenAMR != nil { return .elsewhere(enrolment.continuePage(request)) }
        guard try await dependencies.confirmedFactors(userID: user.id).isEmpty else { return .elsewhere(Responses.seeOther("/mfa")) }
        guard Self.isAvailable(dependencies, for: user) else { return .elsewhere(Responses.seeOther("/mfa/enrol")) }
        return .ready(Enrolling(token: token, signIn: signIn, user: user))
    }

    func register(on router: Router<GatehouseRequestContext>) {
        router.post("/mfa/enrol/email") { request, _ in
            do {
                let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
                guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
                let enrolling: Enrolling
                switch try await pendingEnrolment(request) {
                case .elsewhere(let response): return response
                case .ready(let pending): enrolling = pending
                }
                var changed = enrolling.signIn
                let sent = try await challengePage.sendEmailCode(to: enrolling.user, signIn: &changed, token: enrolling.token)
                return Responses.seeOther("/mfa/enrol/email?" + (sent ? "done=sent" : "problem=wait"))
            } catch {
                return responder.failure(error)
            }
        }
        router.get("/mfa/enrol/email") { request, _ in
            do {
                let enrolling: Enrolling
                switch try await pendingEnrolment(request) {
                case .elsewhere(let response): return response
                case .ready(let pending): enrolling = pending
                }
                guard enrolling.signIn.emailTicket != nil else { return Responses.seeOther("/mfa/enrol") }
                let query = try FormBody.query(request)
                return page(request, user: enrolling.user, notice: query["done"].flatMap { MFAPage.notices[$0] },
                            error: query["problem"].flatMap { MFAPage.errors[$0] })
            } catch {
                return responder.failure(error)
            }
        }
        router.post("/mfa/enrol/email/confirm") { request, context in
            do {
                return try await confirm(request, context: context)
            } catch {
                return responder.failure(error)
            }
        }
    }

    func confirm(_ request: Request, context: GatehouseRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, limit: dependencies.web.maxFormBytes)
        guard csrf.isValid(request, form: form) else { return responder.csrfFailure() }
        let enrolling: Enrolling
        switch try await pendingEnrolment(request) {
        case .elsewhere(let response): return response
        case .ready(let pending): enrolling = pending
        }
        let (token, signIn, user) = (enrolling.token, enrolling.signIn, enrolling.user)
        // The first code is a second-factor attempt like any other: it counts.
        let attempt = try await dependencies.attemptLimiter.reserve(.secondFactor(userID: user.id), from: context.origin)
        let outcome = try await dependencies.secondFactorVerifier.verify(signIn, method: .email, code: String((form["code"] ?? "").prefix(64)))
        switch outcome {
        case .proven(let amr):
            try await attempt.succeeded()
            _ = try await dependencies.mfa.credentials.enableWithoutSecret(userID: user.id, kind: .email, at: dependencies.clock.now)
            return try await enrolment.finishEnrolment(
                request, token: token, signIn: signIn, user: user, method: "email", amr: amr,
                lead: "Two-step verification is on: each sign-in will email you a code. If you ever cannot get to your email, each of these codes signs you in once instead.")
        case .wrongCode:
            await dependencies.recordAudit(.mfaFailed, subject: user.id, details: ["method": "email", "during": "enrolment"])
            try await attempt.failed()
            return page(request, user: user, notice: nil, error: "That code is not right. Check the latest email and try again.")
        case .codeGone:
            await dependencies.recordAudit(.mfaFailed, subject: user.id, details: ["method": "email", "during": "enrolment"])
            try await attempt.failed()
            var changed = signIn
            changed.emailTicket = nil
            try await dependencies.secondFactorChallenges.update(changed, token: token)
            return page(request, user: user, notice: nil,
                        error: "That code no longer works: it expired or was tried too often. Ask for a new one.")
        }
    }

    func page(_ request: Request, user: User, notice: String?, error: String?) -> Response {
        let (csrfToken, toSet) = csrf.issue(for: request)
        let view = EmailEnrolmentView(csrfToken: csrfToken, email: user.email, notice: notice, error: error)
        return responder.form(view, refused: error != nil, cookies: toSet.map { [$0] } ?? [])
    }
}
