import Foundation

/// Decides what a pending authorization request needs next — a login, a consent, or nothing
/// more — and issues the code (OIDC Core §3.1.2.3–§3.1.2.5). Pages call back into it after
/// each step until it answers `.issue`.
public struct AuthorizationFlow: Sendable {
    let states: any AuthorizationStateStore
    let consents: any ConsentStore
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let clock: any Clock

    public init(states: any AuthorizationStateStore, consents: any ConsentStore, crypto: any CryptoPrimitives,
                settings: ProviderSettings, clock: any Clock) {
        self.states = states
        self.consents = consents
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
    }

    public enum Step: Equatable, Sendable {
        case login
        /// The session is the right user's and fresh enough, but this request needs a second
        /// factor the session has not proven: step up (a new session follows).
        case secondFactor
        case consent
        case issue(code: String)
    }

    /// The next step for `pending` given the browser's live session (nil when signed out).
    /// Errors for `prompt=none` come back as `AuthorizationFailure.redirect`.
    public func next(_ pending: PendingAuthorization, session: BrowserSession?, redirect: VerifiedRedirect) async throws -> Step {
        let failure = { (code: OAuthError.Code, text: String) in
            AuthorizationFailure.redirect(OAuthError(code, text), to: redirect, state: pending.state,
                                          responseMode: pending.responseMode)
        }
        guard let session, !needsLogin(pending, session: session) else {
            if pending.prompt.contains(.none) { throw failure(.loginRequired, "the user is not signed in") }
            return .login
        }
        if needsSecondFactor(pending, session: session) {
            if pending.prompt.contains(.none) { throw failure(.interactionRequired, "the request needs a second factor") }
            return .secondFactor
        }
        if try await needsConsent(pending, session: session) {
            if pending.prompt.contains(.none) { throw failure(.consentRequired, "the user has not approved this application") }
            return .consent
        }
        return .issue(code: try await issueCode(pending, session: session))
    }

    /// Whether the user must (re-)authenticate: no fresh login in this request and
    /// `prompt=login`, an exceeded `max_age`, or a session of another user than `id_token_hint`.
    public func needsLogin(_ pending: PendingAuthorization, session: BrowserSession) -> Bool {
        if let expected = pending.expectedSubject, expected != session.userID.uuidString.lowercased() {
            return true
        }
        if pending.authenticatedSessionID == session.id { return false }
        if pending.prompt.contains(.login) || pending.prompt.contains(.selectAccount) { return true }
        if let maxAge = pending.maxAge, clock.now.timeIntervalSince(session.authTime) > Double(maxAge) { return true }
        return false
    }

    /// Whether the request needs a second factor (`acr_values=mfa`, the client's or the
    /// deployment's policy) that the session's `amr` lacks (OIDC Core §3.1.2.1 `acr_values`).
    public func needsSecondFactor(_ pending: PendingAuthorization, session: BrowserSession) -> Bool {
        (settings.requireMFA || pending.requiresMFA == true) && !session.amr.contains(AuthenticationMethods.multipleFactors)
    }

    func needsConsent(_ pending: PendingAuthorization, session: BrowserSession) async throws -> Bool {
        if pending.prompt.contains(.consent) { return true }
        let granted = try await consents.grantedScopes(userID: session.userID, clientID: pending.clientID)
        return !Set(pending.scopes).isSubset(of: granted)
    }

    /// Records the user's approval (remembered for next time) and issues the code.
    public func approve(_ pending: PendingAuthorization, session: BrowserSession) async throws -> String {
        try await consents.grant(userID: session.userID, clientID: pending.clientID, scopes: Set(pending.scopes), at: clock.now)
        return try await issueCode(pending, session: session)
    }

    func issueCode(_ pending: PendingAuthorization, session: BrowserSession) async throws -> String {
        let code = crypto.randomToken()
        let record = AuthorizationCodeRecord(
            clientID: pending.clientID, redirectURI: pending.redirectURI, userID: session.userID, scopes: pending.scopes,
            nonce: pending.nonce, codeChallenge: pending.codeChallenge, sessionID: session.id,
            authTime: session.authTime, amr: session.amr, issuedAt: clock.now)
        try await states.saveCode(record, digest: crypto.tokenDigest(code), ttl: settings.authorizationCodeLifetime)
        return code
    }
}
