import GatehouseCore

/// The services more than one module is given, each built once from the deployment's ports by
/// `GatehouseModules`: the page pipeline, the continuation of a sign-in, the account page, the
/// mail, the audit trail and the Core services behind them. A module receives the ones its
/// `Dependencies` name, never this whole set.
struct SharedServices {
    let audit: RequestAuditLog
    let mail: MailComposer
    let rateLimits: NetworkRateLimiter
    let attemptLimiter: AttemptLimiter
    let passwordWork: PasswordWorkLimiter
    let pages: PagePipeline
    let idTokenHints: IDTokenHintReader
    let bearer: BearerTokenValidator
    /// A client's credentials, checked one way at `/token`, `/revoke` and `/introspect`.
    let clientAuthenticator: ClientAuthenticator
    let grants: TokenGrants
    let userInfo: UserInfo
    let grantRevocation: GrantRevocation
    let accountSecurity: AccountSecurity
    let emailCodes: EmailVerification
    let passwordResets: PasswordReset
    let totp: TOTPFactor
    let recoveryCodes: RecoveryCodes
    let challenges: SecondFactorChallenges
    let codeSender: SignInCodeSender
    let verificationStart: EmailVerificationStart
    let currentPassword: CurrentPasswordCheck
    /// A new password under the policy and the history (registration, reset, account, invitations).
    let newPassword: NewPasswordCheck
    let newAccount: NewAccount
    let accountPage: AccountPage
    let signIn: SignInFlow
    /// Invitations as the invitation link's page and the organization page use them: links
    /// mailed (when mail is on), accepted, revoked and expired ones announced on `/events`.
    let invitations: Invitations
    /// Suspend, reactivate, deactivate, erase (issue 11), for the API, `/account` and the console.
    let userLifecycle: UserLifecycle
    let userExporter: UserExporter
    /// Personal access tokens: the keys page, the API (as callers and as a resource) and `/introspect`.
    let apiKeys: APIKeys
    /// Clients, for the API and the console (the shell builds its own on the same rules).
    let clients: ClientAdministration
    /// Support sign-in (issue 11 item 8): the console starts it, the pages, `/token` and every
    /// bearer check ask it whether a support session may still be used.
    let supportSignIn: SupportSignIn

    init(_ d: WebDependencies) {
        let audit = RequestAuditLog(base: d.audit, clock: d.clock)
        self.audit = audit
        let cookies = IssuerCookies(issuer: d.settings.issuer)
        // `d.mailOutbox` is already behind the per-recipient limit (`WebDependencies.init`).
        let mail = MailComposer(pages: d.pages, outbox: d.mailOutbox, settings: d.accounts.settings, issuer: d.settings.issuer)
        self.mail = mail

        // Brute-force protection: per-address limits, per-account limits with lockout (whose
        // owner is emailed and which the audit trail records), and argon2 outside sign-in.
        let protection = d.protection
        rateLimits = NetworkRateLimiter(counter: protection.counter, settings: protection.settings, clock: d.clock,
                                        memory: protection.refusals)
        attemptLimiter = AttemptLimiter(
            counter: protection.counter, lockouts: protection.lockouts, settings: protection.settings, crypto: d.crypto, clock: d.clock,
            observer: LockoutObservers([LockoutMailNotice(users: d.users, mail: mail, logger: d.logger),
                                        LockoutAudit(users: d.users, audit: audit)] + protection.lockoutObservers),
            memory: protection.refusals)
        passwordWork = PasswordWorkLimiter(network: rateLimits, counter: protection.counter, settings: protection.settings,
                                           hasher: d.hasher, crypto: d.crypto, clock: d.clock)

        let sessions = BrowserSessions(store: d.sessions, crypto: d.crypto, settings: d.settings, clock: d.clock)
        let responder = PageResponder(pages: d.pages, logger: d.logger)

        let supportSignIn = SupportSignIn(
            users: d.users, sessions: d.sessions,
            principals: Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles),
            crypto: d.crypto, audit: audit, clock: d.clock,
            notice: d.mailOutbox.isEnabled ? SupportSignInMailer(mail: mail, logger: d.logger) : nil)
        self.supportSignIn = supportSignIn
        pages = PagePipeline(responder: responder,
                             csrf: CSRFProtection(key: d.csrfKey, crypto: d.crypto, secureCookies: cookies.secure),
                             cookies: cookies, sessions: sessions, support: supportSignIn, users: d.users, rateLimits: rateLimits,
                             passwordWork: passwordWork, maxFormBytes: d.web.maxFormBytes)

        // The protocol's services.
        idTokenHints = IDTokenHintReader(verifier: d.verifier, issuer: d.settings.issuer)
        bearer = BearerTokenValidator(verifier: d.verifier, states: d.states, users: d.users, issuer: d.settings.issuer, clock: d.clock,
                                      support: supportSignIn)
        let issuer = TokenIssuer(settings: d.settings, signer: d.signer, crypto: d.crypto)
        let organizationClaims = OrganizationClaimsReader(memberships: d.organizations.memberships)
        clientAuthenticator = ClientAuthenticator(clients: d.clients, crypto: d.crypto, clock: d.clock)
        grants = TokenGrants(
            authenticator: clientAuthenticator,
            authorizationCode: AuthorizationCodeGrant(states: d.states, refreshTokens: d.refreshTokens, issuer: issuer,
                                                      organizationClaims: organizationClaims, crypto: d.crypto, settings: d.settings,
                                                      audit: audit, clock: d.clock, support: supportSignIn),
            refreshToken: RefreshTokenGrant(refreshTokens: d.refreshTokens, states: d.states, issuer: issuer,
                                            organizationClaims: organizationClaims, crypto: d.crypto, settings: d.settings,
                                            audit: audit, clock: d.clock),
            clientCredentials: ClientCredentialsGrant(issuer: issuer, settings: d.settings, clock: d.clock))
        userInfo = UserInfo(validator: bearer, users: d.users, organizationClaims: organizationClaims)
        grantRevocation = GrantRevocation(states: d.states, refreshTokens: d.refreshTokens, settings: d.settings)
        accountSecurity = AccountSecurity(sessions: d.sessions, grants: grantRevocation, clock: d.clock)

        // Accounts and second factors.
        emailCodes = EmailVerification(store: d.accounts.verifications, crypto: d.crypto, settings: d.accounts.settings,
                                       clock: d.clock, attempts: attemptLimiter)
        passwordResets = PasswordReset(store: d.accounts.passwordResets, crypto: d.crypto, settings: d.accounts.settings,
                                       clock: d.clock)
        totp = TOTPFactor(credentials: d.mfa.credentials, sealer: d.mfa.sealer, crypto: d.crypto, clock: d.clock,
                          enrolmentLifetime: d.mfa.settings.enrolmentLifetime)
        recoveryCodes = RecoveryCodes(store: d.mfa.recoveryCodes, crypto: d.crypto, settings: d.mfa.settings, clock: d.clock)
        challenges = SecondFactorChallenges(store: d.mfa.pendingSignIns, crypto: d.crypto, settings: d.mfa.settings, clock: d.clock)
        codeSender = SignInCodeSender(codes: emailCodes, verifications: d.accounts.verifications, settings: d.accounts.settings,
                                      challenges: challenges, mail: mail)
        verificationStart = EmailVerificationStart(verification: emailCodes, mail: mail, cookies: cookies)
        currentPassword = CurrentPasswordCheck(attempts: attemptLimiter, hasher: d.hasher)
        newPassword = NewPasswordCheck(policy: d.accounts.passwordPolicy, history: d.accounts.passwordHistory, hasher: d.hasher,
                                       users: d.users, clock: d.clock)
        newAccount = NewAccount(newPassword: newPassword, passwordWork: passwordWork, hasher: d.hasher,
                                history: d.accounts.passwordHistory, users: d.users, termsURL: d.accounts.settings.termsURL,
                                clock: d.clock)
        accountPage = AccountPage(
            responder: responder, sessions: d.sessions, consents: d.consents, passwordPolicy: d.accounts.passwordPolicy,
            twoStep: TwoStepSummary(credentials: d.mfa.credentials, recoveryCodes: recoveryCodes, mailEnabled: d.mailOutbox.isEnabled,
                                    required: d.settings.requireMFA),
            memberships: d.organizations.memberships, organizations: d.organizations.organizations, support: supportSignIn,
            clock: d.clock)

        // The continuation of every sign-in.
        let flow = AuthorizationFlow(
            states: d.states, consents: d.consents, clients: d.clients,
            organizations: ActiveOrganization(organizations: d.organizations.organizations, memberships: d.organizations.memberships),
            crypto: d.crypto, settings: d.settings, audit: audit, clock: d.clock)
        let gate = SecondFactorGate(settings: d.settings, mfaSettings: d.mfa.settings, states: d.states, clients: d.clients,
                                    users: d.users, credentials: d.mfa.credentials, flow: flow, challenges: challenges,
                                    codes: codeSender, cookies: cookies)
        let continuation = AuthorizationContinuation(flow: flow, states: d.states, issuer: d.settings.issuer, gate: gate,
                                                     responder: responder)
        signIn = SignInFlow(
            continuation: continuation,
            completion: SignInCompletion(
                steps: SignInSteps(accounts: d.accounts.settings, policy: d.accounts.passwordPolicy,
                                   mailEnabled: d.mailOutbox.isEnabled, clock: d.clock),
                verification: verificationStart, gate: gate, passwordResets: passwordResets, sessions: sessions, states: d.states,
                settings: d.settings, audit: audit, continuation: continuation, cookies: cookies))

        invitations = Invitations(
            invitations: d.organizations.invitations, organizations: d.organizations.organizations,
            memberships: d.organizations.memberships, users: d.users, crypto: d.crypto, audit: d.audit, clock: d.clock,
            lifetime: d.organizations.invitationLifetime,
            mail: d.mailOutbox.isEnabled
                ? InvitationMailer(pages: d.pages, outbox: d.mailOutbox, serviceName: d.accounts.settings.serviceName, issuer: d.settings.issuer)
                : nil,
            events: d.liveEvents)

        userLifecycle = UserLifecycle(
            users: d.users, memberships: d.organizations.memberships, store: d.lifecycle, audit: audit, clock: d.clock,
            notices: d.mailOutbox.isEnabled ? AccountClosingMailer(pages: d.pages, serviceName: d.accounts.settings.serviceName) : nil,
            outbox: d.mailOutbox, events: d.liveEvents, attempts: attemptLimiter)
        userExporter = UserExporter(
            memberships: d.organizations.memberships, organizations: d.organizations.organizations,
            customRoles: d.organizations.customRoles, consents: d.consents, sessions: d.sessions, factors: d.mfa.credentials,
            lifecycle: d.lifecycle, clock: d.clock)
        clients = ClientAdministration(clients: d.clients, organizations: d.organizations.organizations, crypto: d.crypto,
                                       settings: d.settings, audit: audit, clock: d.clock)
        apiKeys = APIKeys(keys: d.apiKeys.store, users: d.users,
                          principals: Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles),
                          customRoles: d.organizations.customRoles, crypto: d.crypto, audit: audit, clock: d.clock,
                          maximumLifetimeDays: d.apiKeys.maximumLifetimeDays)
    }
}
