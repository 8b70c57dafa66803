import Foundation
import GatehouseCore
import GatehouseTesting
import GatehouseCrypto
import GatehousePostgres
import GatehouseRedis
import GatehouseWeb
import Hummingbird
import Metrics
import Prometheus

/// A complete Gatehouse wired to the real PostgreSQL and Redis, with a movable clock and cheap
/// argon2, for tests that drive it the way a relying party and a browser would.
public struct TestProvider: Sendable {
    public var dependencies: WebDependencies
    public let clock: TestClock
    public let signer: RS256Signer
    public let crypto = OpenSSLCrypto()
    /// The real outbox: tests read the mail a flow sent from it.
    public let outbox: PostgresMailOutbox
    /// The real audit trail in the shared test database, keyed by `auditKey`: `./dev test` verifies
    /// its chain with `gatehouse audit verify` after the whole suite ran.
    public let audit: PostgresAuditLog
    /// The Redis prefix of this provider's attempt counters (`TestProtection.namespace`).
    public let limiterNamespace: String
    /// A Redis pool of this provider's own (`TestProtection.redisURL`); `shutdown()` closes it.
    let ownedRedis: RedisPool?

    public static let issuer = "https://id.gatehouse.test"
    /// The audit key of the test instance; `dev` exports the same value as GATEHOUSE_AUDIT_KEY
    /// (base64 of "gatehouse-test-audit-key-32bytes": a test key, not a secret).
    public static let auditKeyBase64 = "Z2F0ZWhvdXNlLXRlc3QtYXVkaXQta2V5LTMyYnl0ZXM="
    public static var auditKey: [UInt8] { Array(Data(base64Encoded: auditKeyBase64) ?? Data()) }

    /// The encryption key (GATEHOUSE_ENCRYPTION_KEY) of every test provider, so a secret sealed by
    /// the CLI in a test can be opened by a provider (base64 of "gatehouse-test-encryption-key-32").
    public static let encryptionKeyBase64 = "Z2F0ZWhvdXNlLXRlc3QtZW5jcnlwdGlvbi1rZXktMzI="
    public static var encryptionKey: [UInt8] { Array(Data(base64Encoded: encryptionKeyBase64) ?? Data()) }

    public init(hasher: (any PasswordHasher)? = nil, configure: (inout ProviderSettings) -> Void = { _ in },
                accounts configureAccounts: (inout AccountSettings) -> Void = { _ in },
                policy: PasswordPolicySettings = PasswordPolicySettings(), mailEnabled: Bool = true,
                protection: TestProtection = TestProtection(),
                liveEventsKey: String = "gh-test:events:\(UUID().uuidString)") async throws {
        _ = TestProvider.metrics
        let postgres = try TestServices.postgres()
        ownedRedis = try protection.redisPool()
        let redis = try ownedRedis ?? TestServices.redis()
        limiterNamespace = protection.namespace
        clock = TestClock()
        signer = try RS256Signer(keys: [try TestServices.signingKey()])
        var settings = ProviderSettings(issuer: Self.issuer)
        configure(&settings)
        let pages = try await PageRenderer(directory: TestServices.repositoryRoot.appendingPathComponent("templates").path)
        // A stream of each provider's own, unless a test shares one between two instances.
        let liveEvents = RedisLiveEventBus(pool: redis, key: liveEventsKey)
        audit = PostgresAuditLog(pool: postgres, key: Self.auditKey, crypto: OpenSSLCrypto(), logger: TestServices.logger,
                                 tail: AuditTail(bus: liveEvents))
        outbox = PostgresMailOutbox(pool: postgres, isEnabled: mailEnabled, messageIDDomain: "id.gatehouse.test", clock: clock)
        var accountSettings = AccountSettings()
        configureAccounts(&accountSettings)
        let accounts = AccountDependencies(
            settings: accountSettings, verifications: RedisVerificationStore(pool: redis),
            passwordResets: PostgresPasswordResetStore(pool: postgres),
            passwordHistory: PostgresPasswordHistoryStore(pool: postgres, keeping: policy.historyCount),
            passwordPolicy: PasswordPolicy(settings: policy))
        dependencies = WebDependencies(
            settings: settings, web: WebSettings(developmentMode: false),
            clients: PostgresClientStore(pool: postgres), users: PostgresUserStore(pool: postgres),
            consents: PostgresConsentStore(pool: postgres), sessions: PostgresSessionStore(pool: postgres),
            states: RedisAuthorizationStateStore(pool: redis, prefix: protection.stateNamespace), refreshTokens: PostgresRefreshTokenStore(pool: postgres),
            signer: signer, verifier: signer, crypto: OpenSSLCrypto(), hasher: try hasher ?? TestProvider.cheapHasher(),
            clock: clock, pages: pages, accounts: accounts,
            mfa: MFADependencies(settings: MFASettings(), credentials: PostgresMFACredentialStore(pool: postgres),
                                 recoveryCodes: PostgresRecoveryCodeStore(pool: postgres),
                                 pendingSignIns: RedisPendingSignInStore(pool: redis),
                                 sealer: try AESGCMSecretSealer(key: Self.encryptionKey)),
            organizations: OrganizationDependencies(organizations: PostgresOrganizationStore(pool: postgres),
                                                    memberships: PostgresMembershipStore(pool: postgres),
                                                    invitations: PostgresInvitationStore(pool: postgres),
                                                    customRoles: PostgresCustomRoleStore(pool: postgres)),
            administration: AdministrationDependencies(directory: PostgresUserDirectoryStore(pool: postgres),
                                                       reader: PostgresAdministrationReader(pool: postgres),
                                                       bulkJobs: PostgresBulkJobStore(pool: postgres),
                                                       externalIdentities: PostgresExternalIdentityStore(pool: postgres)),
            apiKeys: APIKeyDependencies(store: PostgresAPIKeyStore(pool: postgres)),
            liveEvents: liveEvents,
            mailOutbox: outbox, audit: audit,
            lifecycle: PostgresUserLifecycleStore(pool: postgres, messageIDDomain: "id.gatehouse.test"),
            protection: protection.dependencies(redis: redis, postgres: postgres), csrfKey: OpenSSLCrypto().randomBytes(32),
            readinessChecks: ["postgresql": { await postgres.isReachable() }, "redis": { await redis.isReachable() }],
            metricsExposition: {
                var buffer: [UInt8] = []
                TestProvider.metrics.emit(into: &buffer)
                return buffer
            },
            logger: TestServices.logger)
    }

    /// One Prometheus registry per test process: the metrics system can be bootstrapped once.
    static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// argon2id at test cost (the production parameters have a test of their own).
    public static func cheapHasher() throws -> Argon2PasswordHasher {
        try Argon2PasswordHasher(parameters: Argon2Parameters(memoryKiB: 256, iterations: 1, parallelism: 1), threads: 1, maxQueued: 256)
    }

    public func application() -> some ApplicationProtocol {
        Application(router: GatehouseApplication.router(dependencies))
    }

    /// The application over `dependencies` changed from this provider's (a test that wraps a
    /// store, e.g. to hold a request at a chosen point while another one runs).
    public func application(_ dependencies: WebDependencies) -> some ApplicationProtocol {
        Application(router: GatehouseApplication.router(dependencies))
    }

    /// The newest mail sent to `address` (tests read codes and links from it).
    /// Waits (up to 3 s) until `address` has received `count` mails — for flows that mail after
    /// answering, such as the reset link.
    public func waitForMail(to address: String, count: Int = 1) async throws {
        for _ in 0..<60 where try await mailCount(to: address) < count {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public func lastMail(to address: String) async throws -> (subject: String, text: String)? {
        let rows = try await TestServices.postgres().query(
            "SELECT subject, text_body FROM email_outbox WHERE recipient = $1 ORDER BY created_at DESC, id LIMIT 1", [.text(address)]).rows
        return try rows.first.map { (try $0.string("subject"), try $0.string("text_body")) }
    }

    /// How many mails went to `address`.
    public func mailCount(to address: String) async throws -> Int {
        try await TestServices.postgres().query("SELECT count(*) AS n FROM email_outbox WHERE recipient = $1",
                                                [.text(address)]).rows.first?.int("n") ?? 0
    }

    // MARK: - Builders: each test makes its own users and clients.

    public struct RegisteredClient: Sendable {
        public let client: Client
        public let secret: String?
        public var id: String { client.id }
        public var redirectURI: String { client.redirectURIs[0] }
    }

    public func makeClient(public isPublic: Bool = false, redirectURIs: [String]? = nil,
                           grantTypes: [GrantType] = [.authorizationCode, .refreshToken],
                           scopes: [String] = [], name: String = "Test App",
                           postLogoutRedirectURIs: [String] = []) async throws -> RegisteredClient {
        let id = "client-" + crypto.randomToken(byteCount: 9)
        let secret = isPublic ? nil : crypto.randomToken()
        let client = Client(id: id, secretDigest: secret.map { crypto.sha256($0) }, name: name,
                            redirectURIs: redirectURIs ?? ["https://app.example/\(id)/callback"], postLogoutRedirectURIs: postLogoutRedirectURIs,
                            grantTypes: grantTypes, allowedScopes: scopes, createdAt: clock.now)
        try await dependencies.clients.create(client)
        return RegisteredClient(client: client, secret: secret)
    }

    public struct RegisteredUser: Sendable {
        public let user: User
        public let password: String
        public var email: String { user.email }
        public var subject: String { user.id.uuidString.lowercased() }
    }

    public func makeUser(name: String? = "Ada Lovelace", verified: Bool = true) async throws -> RegisteredUser {
        let password = "pw-" + crypto.randomToken(byteCount: 12)
        let email = "user-\(crypto.randomToken(byteCount: 8).lowercased())@example.test"
        let user = User(id: UUID(), email: email, emailVerified: verified, name: name, givenName: name.map { String($0.split(separator: " ")[0]) },
                        familyName: name.flatMap { $0.split(separator: " ").last.map(String.init) },
                        picture: "https://images.example/ada.png", passwordHash: try await dependencies.hasher.hash(password),
                        createdAt: clock.now, updatedAt: clock.now)
        try await dependencies.users.create(user)
        try await dependencies.accounts.passwordHistory.record(userID: user.id, hash: user.passwordHash ?? "", at: clock.now)
        return RegisteredUser(user: user, password: password)
    }
}
