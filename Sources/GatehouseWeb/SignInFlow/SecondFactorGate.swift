import GatehouseCore
import Hummingbird

/// The checkpoint between a proven password and a session. Every way of signing in ends in
/// `SignInCompletion`, which asks here first: when the user has a second factor, or the
/// deployment, the client or the request (`acr_values=mfa`) requires one, no session starts
/// yet. Instead a short-lived "password verified" state is kept (bound to this browser by an
/// HttpOnly cookie) and the browser goes to `/mfa`, or to `/mfa/enrol` when a factor is
/// required and the user has none.
struct SecondFactorGate: Sendable {
    let settings: ProviderSettings
    let mfaSettings: MFASettings
    let states: any AuthorizationStateStore
    let clients: any ClientStore
    let users: any UserStore
    let credentials: any MFACredentialStore
    let flow: AuthorizationFlow
    let challenges: SecondFactorChallenges
    let codes: SignInCodeSender
    let cookies: IssuerCookies

    /// The cookie that binds the pending sign-in to this browser.
    static let cookie = BrowserCookie(name: "gh_mfa")

    /// Nil when the sign-in may complete now; otherwise the redirect to the second-factor step:
    /// proving a factor (`/mfa`) or enrolling an allowed one (`/mfa/enrol`), by
    /// `SecondFactorRequirement.step`.
    func detour(user: User, amr: [String], pendingID: String?) async throws -> Response? {
        let pending = try await pendingID.asyncFlatMap { try await states.pending(id: $0) }
        // The flow's rule (deployment, client as registered now, `acr_values`, the active
        // organization's policy and its methods), asked before any session starts;
        // `AuthorizationFlow` asks it again before any code is issued.
        let requirement = try await flow.secondFactorRequirement(pending, userID: user.id)
        let held = try await credentials.confirmedKinds(userID: user.id)
        switch requirement.step(held: held, amr: amr) {
        case .none: return nil
        case .prove(let factors): return try await begin(user: user, amr: amr, pendingID: pendingID, factors: factors, requirement: requirement)
        case .enrol: return try await begin(user: user, amr: amr, pendingID: pendingID, factors: [], requirement: requirement)
        }
    }

    /// A live session lacks the second factor this request needs (`AuthorizationFlow` said
    /// `.secondFactor`): prove it now, and a new session replaces this one. Without a factor to
    /// prove, the person signs in again with the password and then enrols one.
    func stepUp(session: BrowserSession, requestID: String) async throws -> Response {
        let held = try await credentials.confirmedKinds(userID: session.userID)
        guard let user = try await users.find(id: session.userID), !held.isEmpty else {
            return Responses.seeOther("/login?request=\(FormEncoding.encodeComponent(requestID))")
        }
        let pending = try await states.pending(id: requestID)
        let requirement = try await flow.secondFactorRequirement(pending, userID: user.id)
        switch requirement.step(held: held, amr: session.amr) {
        case .prove(let factors):
            return try await begin(user: user, amr: session.amr, pendingID: requestID, factors: factors, requirement: requirement)
        case .enrol:
            // The session proved a factor the organization does not allow: set up one it does.
            return try await begin(user: user, amr: session.amr, pendingID: requestID, factors: [], requirement: requirement)
        case .none:
            // The session proved a factor, by a method the organization does not allow: prove an
            // allowed one now.
            let counted = requirement.counting(held)
            return try await begin(user: user, amr: session.amr, pendingID: requestID, factors: counted.isEmpty ? held : counted,
                                   requirement: requirement)
        }
    }

    /// A page that requires a second factor of everyone who opens it (the console with
    /// `GATEHOUSE_ADMIN_MFA`): nil when the session proved one; otherwise the way to prove one
    /// the user holds, or to enrol one when they hold none. Either ends in a new session.
    func demand(user: User, session: BrowserSession) async throws -> Response? {
        let requirement = SecondFactorRequirement(isRequired: true)
        let held = try await credentials.confirmedKinds(userID: user.id)
        switch requirement.step(held: held, amr: session.amr) {
        case .none: return nil
        case .prove(let factors): return try await begin(user: user, amr: session.amr, pendingID: nil, factors: factors, requirement: requirement)
        case .enrol: return try await begin(user: user, amr: session.amr, pendingID: nil, factors: [], requirement: requirement)
        }
    }

    /// `factors`: the ones to prove on `/mfa`; none: enrol one of `requirement`'s methods.
    func begin(user: User, amr: [String], pendingID: String?, factors: [MFACredential.Kind],
               requirement: SecondFactorRequirement) async throws -> Response {
        let token = try await challenges.begin(user: user, pendingAuthorizationID: pendingID, amr: amr,
                                               allowedMethods: requirement.allowedMethods)
        var response: Response
        if factors.isEmpty {
            // An authenticator app when it is allowed; else the emailed codes' enrolment.
            response = Responses.seeOther(requirement.allowedMethods.contains(.authenticatorApp) ? "/mfa/enrol" : "/mfa/enrol/email")
        } else if factors == [.email], var signIn = try await challenges.find(token: token) {
            // The emailed code is the only factor: send it right away.
            try await codes.send(to: user, signIn: &signIn, token: token)
            response = Responses.seeOther("/mfa?method=email")
        } else {
            response = Responses.seeOther("/mfa")
        }
        response.setCookie(cookies.make(Self.cookie, value: token, maxAge: Int(mfaSettings.challengeLifetime.timeInterval)))
        return response
    }
}
