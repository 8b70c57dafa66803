import GatehouseCore

/// The composition root of the web layer: from the deployment's ports (`WebDependencies`, which
/// the CLI fills) it builds each Core service once, the few services modules share (the page
/// pipeline, the sign-in flow, the account page), and each module's own `Dependencies`. Nothing
/// else reads `WebDependencies`, so a handler sees only what its module was given here.
///
/// Adding a module: give it a folder, a `WebModule` type with its `Dependencies`, and one line in
/// `all` below; a port it needs that the deployment does not have yet goes into `WebDependencies`
/// (filled by the CLI's `ServeCommand` and `TestProvider`).
struct GatehouseModules {
    let all: [any WebModule]

    init(_ dependencies: WebDependencies) {
        let shared = SharedServices(dependencies)
        var all: [any WebModule] = [
            OperationsModule(dependencies: Self.operations(dependencies)),
            OAuthModule(dependencies: Self.oauth(dependencies, shared)),
            SignInModule(dependencies: Self.signIn(dependencies, shared)),
            AccountsModule(dependencies: Self.accounts(dependencies, shared)),
            MFAModule(dependencies: Self.secondFactor(dependencies, shared)),
            InvitationsModule(dependencies: Self.invitations(dependencies, shared)),
            OrganizationsModule(dependencies: Self.organizations(dependencies, shared)),
            EventsModule(dependencies: Self.events(dependencies, shared)),
            APIModule(dependencies: Self.api(dependencies, shared)),
            AdminModule(dependencies: Self.admin(dependencies, shared)),
            AccountClosingModule(dependencies: Self.accountClosing(dependencies, shared)),
            APIKeysModule(dependencies: Self.apiKeys(dependencies, shared)),
        ]
        if dependencies.web.developmentMode {
            all.append(DevelopmentModule(dependencies: Self.development(dependencies, shared)))
        }
        self.all = all
    }

    static func operations(_ d: WebDependencies) -> OperationsModule.Dependencies {
        OperationsModule.Dependencies(readinessChecks: d.readinessChecks, metricsExposition: d.metricsExposition,
                                      metricsAccess: d.web.metricsAccess, clientAddresses: d.protection.clientAddresses,
                                      crypto: d.crypto, stylesheet: d.pages.stylesheet)
    }

    static func oauth(_ d: WebDependencies, _ shared: SharedServices) -> OAuthModule.Dependencies {
        let authenticator = shared.clientAuthenticator
        return OAuthModule.Dependencies(
            issuer: d.settings.issuer, signer: d.signer, grants: shared.grants, userInfo: shared.userInfo,
            revocation: TokenRevocation(authenticator: authenticator, bearer: shared.bearer, states: d.states,
                                        refreshTokens: d.refreshTokens, crypto: d.crypto, settings: d.settings, audit: shared.audit,
                                        clock: d.clock),
            introspection: TokenIntrospection(authenticator: authenticator, bearer: shared.bearer, refreshTokens: d.refreshTokens,
                                              crypto: d.crypto, issuer: d.settings.issuer, clock: d.clock, apiKeys: shared.apiKeys),
            clientAuthentication: ClientAuthenticationLimit(
                failures: ClientAuthenticationFailures(network: shared.rateLimits, crypto: d.crypto), logger: d.logger),
            maxFormBytes: d.web.maxFormBytes)
    }

    static func signIn(_ d: WebDependencies, _ shared: SharedServices) -> SignInModule.Dependencies {
        SignInModule.Dependencies(
            pages: shared.pages, signIn: shared.signIn,
            validator: AuthorizationRequestValidator(clients: d.clients, idTokenHints: shared.idTokenHints, clock: d.clock),
            pendingAuthorizations: PendingAuthorizationBudget(states: d.states, settings: d.protection.settings,
                                                              lifetime: d.settings.pendingAuthorizationLifetime,
                                                              crypto: d.crypto, clock: d.clock),
            states: d.states, pendingLifetime: d.settings.pendingAuthorizationLifetime, clients: d.clients,
            memberships: d.organizations.memberships, users: d.users,
            passwordLogin: ProtectedPasswordLogin(login: PasswordLogin(users: d.users, hasher: d.hasher, clock: d.clock),
                                                  attempts: shared.attemptLimiter),
            endSession: EndSessionPolicy(hints: shared.idTokenHints, clients: d.clients), audit: shared.audit,
            registrationOpen: d.accounts.settings.registration == .open && d.mailOutbox.isEnabled)
    }

    static func accounts(_ d: WebDependencies, _ shared: SharedServices) -> AccountsModule.Dependencies {
        AccountsModule.Dependencies(
            pages: shared.pages, signIn: shared.signIn, verificationStart: shared.verificationStart,
            accountPage: shared.accountPage, settings: d.accounts.settings, users: d.users, sessions: d.sessions,
            consents: d.consents, clients: d.clients, states: d.states,
            passwordPolicy: d.accounts.passwordPolicy,
            newPassword: shared.newPassword, newAccount: shared.newAccount,
            currentPassword: shared.currentPassword, verification: shared.emailCodes, passwordResets: shared.passwordResets,
            mail: shared.mail, attemptLimiter: shared.attemptLimiter, passwordWork: shared.passwordWork,
            accountSecurity: shared.accountSecurity, grantRevocation: shared.grantRevocation, audit: shared.audit, clock: d.clock)
    }

    static func secondFactor(_ d: WebDependencies, _ shared: SharedServices) -> MFAModule.Dependencies {
        MFAModule.Dependencies(
            pages: shared.pages, signIn: shared.signIn, accountPage: shared.accountPage, settings: d.mfa.settings,
            requireMFA: d.settings.requireMFA, accountSettings: d.accounts.settings, users: d.users, states: d.states,
            clients: d.clients, credentials: d.mfa.credentials, recoveryCodeStore: d.mfa.recoveryCodes, totp: shared.totp,
            recoveryCodes: shared.recoveryCodes, challenges: shared.challenges,
            verifier: SecondFactorVerifier(totp: shared.totp, recoveryCodes: shared.recoveryCodes, emailCodes: shared.emailCodes),
            emailCodes: shared.emailCodes, verifications: d.accounts.verifications, codeSender: shared.codeSender, mail: shared.mail,
            attemptLimiter: shared.attemptLimiter, currentPassword: shared.currentPassword,
            accountSecurity: shared.accountSecurity, audit: shared.audit, clock: d.clock)
    }

    static func invitations(_ d: WebDependencies, _ shared: SharedServices) -> InvitationsModule.Dependencies {
        InvitationsModule.Dependencies(
            pages: shared.pages, signIn: shared.signIn,
            invitations: shared.invitations,
            settings: d.accounts.settings, users: d.users, passwordPolicy: d.accounts.passwordPolicy,
            newAccount: shared.newAccount, clock: d.clock)
    }

    static func organizations(_ d: WebDependencies, _ shared: SharedServices) -> OrganizationsModule.Dependencies {
        OrganizationsModule.Dependencies(
            pages: shared.pages,
            administration: OrganizationAdministration(organizations: d.organizations.organizations, memberships: d.organizations.memberships,
                                                       users: d.users, audit: d.audit, clock: d.clock),
            invitations: shared.invitations,
            principals: Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles),
            clock: d.clock)
    }

    static func events(_ d: WebDependencies, _ shared: SharedServices) -> EventsModule.Dependencies {
        EventsModule.Dependencies(bus: d.liveEvents, hub: LiveEventHub(bus: d.liveEvents, logger: d.logger), bearer: shared.bearer,
                                  sessions: shared.pages.sessions, cookies: shared.pages.cookies,
                                  memberships: d.organizations.memberships)
    }

    static func api(_ d: WebDependencies, _ shared: SharedServices) -> APIModule.Dependencies {
        APIModule.Dependencies(
            caller: APICaller(bearer: shared.bearer,
                              principals: Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles),
                              apiKeys: shared.apiKeys),
            administration: OrganizationAdministration(organizations: d.organizations.organizations, memberships: d.organizations.memberships,
                                                       users: d.users, audit: d.audit, clock: d.clock),
            invitations: shared.invitations,
            customRoles: CustomRoles(roles: d.organizations.customRoles, organizations: d.organizations.organizations,
                                     memberships: d.organizations.memberships, users: d.users, audit: d.audit, clock: d.clock),
            clients: shared.clients,
            directory: UserDirectory(store: d.administration.directory, memberships: d.organizations.memberships),
            lifecycle: shared.userLifecycle, exporter: shared.userExporter,
            apiKeys: shared.apiKeys,
            auditTrail: AuditTrail(reader: d.administration.reader),
            bulkJobs: JobComposition.jobs(d, shared),
            importJobs: Self.importJobs(d, shared),
            issuer: d.settings.issuer, clock: d.clock, document: .bundled)
    }

    static func admin(_ d: WebDependencies, _ shared: SharedServices) -> AdminModule.Dependencies {
        let principals = Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles)
        let directory = UserDirectory(store: d.administration.directory, memberships: d.organizations.memberships)
        return AdminModule.Dependencies(
            pages: shared.pages,
            access: ConsoleAccess(pages: shared.pages, signIn: shared.signIn, principals: principals,
                                  requireSecondFactor: d.administration.requireSecondFactor, clock: d.clock),
            directory: directory, reader: d.administration.reader, organizations: d.organizations.organizations,
            memberships: d.organizations.memberships, customRoles: d.organizations.customRoles, credentials: d.mfa.credentials,
            recoveryCodes: d.mfa.recoveryCodes, sessions: d.sessions, consents: d.consents,
            support: UserSupport(directory: directory, users: d.users, credentials: d.mfa.credentials, recoveryCodes: d.mfa.recoveryCodes,
                                 accountSecurity: shared.accountSecurity, passwordResets: shared.passwordResets,
                                 attempts: shared.attemptLimiter, audit: shared.audit, clock: d.clock,
                                 mailResetLink: { [mail = shared.mail] email, token in try await mail.sendReset(to: email, token: token) }),
            lifecycle: shared.userLifecycle, exporter: shared.userExporter,
            supportSignIn: shared.supportSignIn,
            clients: shared.clients,
            bulkJobs: JobComposition.jobs(d, shared),
            settings: d.settings,
            importJobs: Self.importJobs(d, shared),
            clock: d.clock)
    }

    static func accountClosing(_ d: WebDependencies, _ shared: SharedServices) -> AccountClosingModule.Dependencies {
        AccountClosingModule.Dependencies(
            pages: shared.pages, lifecycle: shared.userLifecycle, exporter: shared.userExporter, currentPassword: shared.currentPassword,
            factors: d.mfa.credentials, totp: shared.totp, recoveryCodes: shared.recoveryCodes, attempts: shared.attemptLimiter,
            audit: shared.audit, serviceName: d.accounts.settings.serviceName)
    }

    static func apiKeys(_ d: WebDependencies, _ shared: SharedServices) -> APIKeysModule.Dependencies {
        APIKeysModule.Dependencies(pages: shared.pages, apiKeys: shared.apiKeys,
                                   principals: Principals(memberships: d.organizations.memberships, customRoles: d.organizations.customRoles),
                                   clock: d.clock)
    }

    static func development(_ d: WebDependencies, _ shared: SharedServices) -> DevelopmentModule.Dependencies {
        DevelopmentModule.Dependencies(pages: shared.pages, issuer: d.settings.issuer, demoClientID: d.web.demoClientID,
                                       crypto: d.crypto, grants: shared.grants, userInfo: shared.userInfo,
                                       idTokenHints: shared.idTokenHints, verifier: d.verifier, mailbox: d.mailbox)
    }
}
