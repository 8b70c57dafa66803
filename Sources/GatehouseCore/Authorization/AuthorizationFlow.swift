import Foundation

/// The one decision between a pending authorization request and its code (OIDC Core
/// §3.1.2.3–§3.1.2.5). `/authorize`, the SSO shortcut, the login, second-factor, enrolment and
/// consent pages all ask `next(_:session:answer:)` what comes next, and it is the only way to get
/// a code: issuing one is private to this type. So every path re-checks, in this order and at the
/// moment of issue, against the client as it is registered now:
///
/// 1. the client still exists and the redirect URI is still registered;
/// 2. a signed-in session of the right user, fresh enough for `prompt=login` and `max_age`;
/// 3. the active organization (`ActiveOrganization`): the one named by `organization`, which the
///    user must belong to (else `access_denied`), the one they picked, or their only one; a
///    user of several organizations picks one first;
/// 4. a second factor in the session's `amr` when the deployment, the client, the request
///    (`acr_values=mfa`) or the active organization's policy needs one — also for sessions that
///    predate the setting;
/// 5. the user's consent to every scope: remembered, or given now (`answer`).
///
/// A consent answer is only taken after 1–4 pass: approving on a session that lacks the second
/// factor records nothing and steps up instead. The code carries the active organization.
public struct AuthorizationFlow: Sendable {
    let states: any AuthorizationStateStore
    let consents: any ConsentStore
    let clients: any ClientStore
    let crypto: any CryptoPrimitives
    let organizations: ActiveOrganization
    let settings: ProviderSettings
    let audit: any AuditLog
    let clock: any Clock

    public init(states: any AuthorizationStateStore, consents: any ConsentStore, clients: any ClientStore,
                organizations: ActiveOrganization, crypto: any CryptoPrimitives, settings: ProviderSettings,
                audit: any AuditLog, clock: any Clock) {
        self.states = states
        self.consents = consents
        self.clients = clients
        self.organizations = organizations
        self.crypto = crypto
        self.settings = settings
        self.audit = audit
        self.clock = clock
    }

    public enum Step: Equatable, Sendable {
        case login
        /// The user belongs to several organizations and the request named none: they pick one
        /// (`PendingAuthorization.chosenOrganizationID`), then ask again.
        case chooseOrganization
        /// The session is the right user's and fresh enough, but this request needs a second
        /// factor the session has not proven: step up (a new session follows).
        case secondFactor
        case consent
        case issue(code: String, redirect: VerifiedRedirect)
    }

    /// What the user said on the consent page, when this request carries an answer.
    public enum ConsentAnswer: Sendable {
        case approve
        case deny
    }

    /// The next step for `pending` given the browser's live session (nil when signed out) and,
    /// from the consent page, the user's answer. Throws `AuthorizationFailure`: `.display` when
    /// the client or its redirect URI is gone, `.redirect` for `prompt=none` errors and a denial.
    public func next(_ pending: PendingAuthorization, session: BrowserSession?,
                     answer: ConsentAnswer? = nil) async throws -> Step {
        let (client, redirect) = try await trustedClient(of: pending)
        let failure = { (code: OAuthError.Code, reason: OAuthError.Reason) in
            AuthorizationFailure.redirect(OAuthError(code, reason), to: redirect, state: pending.state,
                                          responseMode: pending.responseMode)
        }
        guard let session, !needsLogin(pending, session: session) else {
            if pending.prompt.contains(.none) { throw failure(.loginRequired, .notSignedIn) }
            return .login
        }
        if answer == .deny {
            // OIDC Core §3.1.2.6: the signed-in user said no. Nothing is issued, so no factor is needed.
            throw failure(.accessDenied, .userDenied)
        }
        let organization: Organization?
        switch try await organizations.resolve(pending, userID: session.userID) {
        case .refused:
            // Fixed words, the same for an organization that does not exist: nothing about it.
            throw failure(.accessDenied, .organizationNotAvailable)
        case .choose:
            if pending.prompt.contains(.none) { throw failure(.interactionRequired, .organizationChoiceNeeded) }
            return .chooseOrganization
        case .none:
            organization = nil
        case .organization(let active):
            organization = active
        }
        if needsSecondFactor(pending, client: client, organization: organization, session: session) {
            if pending.prompt.contains(.none) { throw failure(.interactionRequired, .secondFactorNeeded) }
            return .secondFactor
        }
        // A support session (`SupportSignIn`) never consents for the user: what an app may see is
        // theirs to decide, so only apps they allowed already can be used in one.
        if answer == .approve {
            if session.support != nil { throw failure(.accessDenied, .consentInSupportSession) }
            try await recordConsent(pending, session: session)
        } else if try await needsConsent(pending, session: session) {
            if pending.prompt.contains(.none) { throw failure(.consentRequired, .consentNeeded) }
            if session.support != nil { throw failure(.accessDenied, .consentInSupportSession) }
            return .consent
        }
        return .issue(code: try await issueCode(pending, session: session, organizationID: organization?.id), redirect: redirect)
    }

    /// The client and its redirect URI, checked again: the client may have changed or gone since
    /// the request was validated.
    func trustedClient(of pending: PendingAuthorization) async throws -> (Client, VerifiedRedirect) {
        guard let client = try await clients.find(id: pending.clientID),
              let redirect = RedirectURIPolicy.verify(pending.redirectURI, for: client) else {
            throw AuthorizationFailure.display(.clientNoLongerRegistered)
        }
        return (client, redirect)
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

    /// Whether a sign-in for `pending` must prove a second factor: the deployment requires one
    /// (`GATEHOUSE_MFA_REQUIRED`), the client does (as registered now), the request asked for
    /// `acr_values=mfa` (OIDC Core §3.1.2.1), or the active organization's policy does.
    public func requiresSecondFactor(_ pending: PendingAuthorization, client: Client?, organization: Organization?) -> Bool {
        settings.requireMFA || pending.requiresMFA == true || client?.requireMFA == true
            || organization?.secondFactor.requiredMethods != nil
    }

    /// The requirement and the methods that count: every one, unless the active organization's
    /// policy allows fewer.
    func requirement(_ pending: PendingAuthorization, client: Client?, organization: Organization?) -> SecondFactorRequirement {
        SecondFactorRequirement(isRequired: requiresSecondFactor(pending, client: client, organization: organization),
                                allowedMethods: organization?.secondFactor.requiredMethods ?? Set(SecondFactorMethod.allCases))
    }

    /// What a sign-in for `pending` by `userID` must prove before its session starts, by the rule
    /// `next` applies at issue: the sign-in pages (`SecondFactorGate`) ask it, so a factor that is
    /// required is proven, or enrolled, at sign-in rather than in a step-up afterwards. An
    /// organization not yet known (to be picked, or refused) adds nothing here; `next` asks again.
    public func secondFactorRequirement(_ pending: PendingAuthorization?, userID: UUID) async throws -> SecondFactorRequirement {
        guard let pending else { return SecondFactorRequirement(isRequired: settings.requireMFA) }
        let client = try await clients.find(id: pending.clientID)
        let organization: Organization?
        if case .organization(let active) = try await organizations.resolve(pending, userID: userID) {
            organization = active
        } else {
            organization = nil
        }
        return requirement(pending, client: client, organization: organization)
    }

    /// Whether the request needs a second factor that the session has not proven: none at all
    /// (its `amr` lacks `mfa`), or one of a method the active organization does not allow.
    func needsSecondFactor(_ pending: PendingAuthorization, client: Client, organization: Organization?,
                           session: BrowserSession) -> Bool {
        let requirement = requirement(pending, client: client, organization: organization)
        guard requirement.isRequired else { return false }
        return !session.amr.contains(AuthenticationMethods.multipleFactors) || !requirement.accepts(session.secondFactor)
    }

    func needsConsent(_ pending: PendingAuthorization, session: BrowserSession) async throws -> Bool {
        if pending.prompt.contains(.consent) { return true }
        let granted = try await consents.grantedScopes(userID: session.userID, clientID: pending.clientID)
        return !Set(pending.scopes).isSubset(of: granted)
    }

    /// Remembers the approval for next time, and audits it.
    func recordConsent(_ pending: PendingAuthorization, session: BrowserSession) async throws {
        try await consents.grant(userID: session.userID, clientID: pending.clientID, scopes: Set(pending.scopes), at: clock.now)
        await audit.record(AuditEvent(type: .consentGranted, occurredAt: clock.now, actor: AuditEvent.user(session.userID),
                                      subject: session.userID, clientID: pending.clientID,
                                      details: ["scope": Scope.join(pending.scopes)]))
    }

    /// The only place a code is made. Private: reachable through `next` alone, after its checks.
    private func issueCode(_ pending: PendingAuthorization, session: BrowserSession, organizationID: UUID?) async throws -> String {
        let code = crypto.randomToken()
        let record = AuthorizationCodeRecord(
            clientID: pending.clientID, redirectURI: pending.redirectURI, userID: session.userID, scopes: pending.scopes,
            nonce: pending.nonce, codeChallenge: pending.codeChallenge, sessionID: session.id,
            authTime: session.authTime, amr: session.amr, issuedAt: clock.now, organizationID: organizationID,
            impersonatorID: session.support?.impersonatorID)
        try await states.saveCode(record, digest: crypto.tokenDigest(code), ttl: settings.authorizationCodeLifetime)
        return code
    }
}
