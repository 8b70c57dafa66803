import Foundation
public import GatehouseCore
public import Logging

/// The deployment's ports and settings, as the CLI (or `TestProvider`) opened them: the web layer
/// never sees a concrete backend. No route reads this: `GatehouseModules`, the composition root,
/// builds from it each module's own `Dependencies` and the few services modules share, so a
/// handler sees only what its module was given.
public struct WebDependencies: Sendable {
    public var settings: ProviderSettings
    public var web: WebSettings
    public var clients: any ClientStore
    public var users: any UserStore
    public var consents: any ConsentStore
    public var sessions: any SessionStore
    public var states: any AuthorizationStateStore
    public var refreshTokens: any RefreshTokenStore
    public var signer: any TokenSigner
    public var verifier: any TokenVerifier
    public var crypto: any CryptoPrimitives
    public var hasher: any PasswordHasher
    public var clock: any Clock
    public var pages: PageRenderer
    /// Registration, verification, reset and the password policy.
    public var accounts: AccountDependencies
    /// Second factors: TOTP, emailed codes, recovery codes, pending sign-ins.
    public var mfa: MFADependencies
    /// Organizations, memberships and invitations: a sign-in's active organization, the tokens'
    /// role claims, the invitation pages.
    public var organizations: OrganizationDependencies
    /// The console (`/admin`): the user directory, its counts, and whether admins need a second factor.
    public var administration: AdministrationDependencies
    /// Personal access tokens: their store and the longest life one may be given.
    public var apiKeys: APIKeyDependencies
    /// Where live events go and come from on every instance (Redis stream): `GET /events`.
    public var liveEvents: any LiveEventBus
    /// Where account emails go (PostgreSQL outbox, drained by the mail sender), behind the
    /// per-recipient limit (`RecipientLimitedMailOutbox`, applied in `init`).
    public var mailOutbox: any MailOutbox
    /// The tamper-evident audit trail of security events (PostgreSQL HMAC chain).
    public var audit: any AuditLog
    /// The user lifecycle's atomic writes (suspend, deactivate, erase; issue 11).
    public var lifecycle: any UserLifecycleStore
    /// Recent outbox mail for the development mailbox page (`/dev/mailbox`): nil outside
    /// development mode, so no production page can show mail.
    public var mailbox: (any MailboxReader)?
    /// Brute-force protection: attempt counters, lockouts, limits, the client address rule.
    public var protection: ProtectionDependencies
    /// Key for CSRF tokens, shared by every instance of the deployment.
    public var csrfKey: [UInt8]
    /// Readiness checks by name (PostgreSQL, Redis) for `/health/ready`.
    public var readinessChecks: [String: @Sendable () async -> Bool]
    /// The Prometheus text exposition for `/metrics` (nil: no metrics endpoint).
    public var metricsExposition: (@Sendable () -> [UInt8])?
    public var logger: Logger

    public init(settings: ProviderSettings, web: WebSettings, clients: any ClientStore, users: any UserStore,
                consents: any ConsentStore, sessions: any SessionStore, states: any AuthorizationStateStore,
                refreshTokens: any RefreshTokenStore, signer: any TokenSigner, verifier: any TokenVerifier,
                crypto: any CryptoPrimitives, hasher: any PasswordHasher, clock: any Clock, pages: PageRenderer,
                accounts: AccountDependencies, mfa: MFADependencies, organizations: OrganizationDependencies,
                administration: AdministrationDependencies,
                apiKeys: APIKeyDependencies,
                liveEvents: any LiveEventBus,
                mailOutbox: any MailOutbox, audit: any AuditLog, lifecycle: any UserLifecycleStore,
                protection: ProtectionDependencies, csrfKey: [UInt8], readinessChecks: [String: @Sendable () async -> Bool],
                metricsExposition: (@Sendable () -> [UInt8])? = nil, mailbox: (any MailboxReader)? = nil, logger: Logger) {
        self.settings = settings
        self.web = web
        self.clients = clients
        self.users = users
        self.consents = consents
        self.sessions = sessions
        self.states = states
        self.refreshTokens = refreshTokens
        self.signer = signer
        self.verifier = verifier
        self.crypto = crypto
        self.hasher = hasher
        self.clock = clock
        self.pages = pages
        self.accounts = accounts
        self.mfa = mfa
        self.organizations = organizations
        self.administration = administration
        self.apiKeys = apiKeys
        self.liveEvents = liveEvents
        // Every page mails through here, so no flow can skip the per-recipient limit.
        self.mailOutbox = RecipientLimitedMailOutbox(
            base: mailOutbox, counter: protection.counter, policy: protection.settings.mailPerRecipient, crypto: crypto, clock: clock,
            dropped: { [logger] in logger.notice("mail not sent: its recipient had the most mails of this kind for now") })
        self.audit = audit
        self.lifecycle = lifecycle
        self.protection = protection
        self.mailbox = mailbox
        self.csrfKey = csrfKey
        self.readinessChecks = readinessChecks
        self.metricsExposition = metricsExposition
        self.logger = logger
    }
}

/// Web-only settings.
public struct WebSettings: Sendable {
    /// Development mode (`GATEHOUSE_DEV_MODE=1`, set by `./dev` only): enables the demo pages.
    public var developmentMode: Bool
    /// The client id of the demo app shown at `/dev/demo/start` in development mode.
    public var demoClientID: String
    /// Largest form body accepted (413 beyond).
    public var maxFormBytes: Int
    /// Who may read `/metrics` (loopback only unless configured).
    public var metricsAccess = MetricsAccess()

    /// 16 KiB: the largest form body, and the longest query string (`FormBody.query`).
    public static let defaultMaxFormBytes = 16 * 1024

    public init(developmentMode: Bool = false, demoClientID: String = "gatehouse-demo", maxFormBytes: Int = defaultMaxFormBytes) {
        self.developmentMode = developmentMode
        self.demoClientID = demoClientID
        self.maxFormBytes = maxFormBytes
    }
}
