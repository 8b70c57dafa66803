import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehouseWeb
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `gatehouse serve`: runs the provider until SIGTERM/SIGINT (graceful shutdown).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the identity provider.")

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let config = try loadConfiguration(requiring: [.database, .redis, .mail, .encryption])
        let logger = makeLogger(config)
        // Before the event loops and pools start, so they inherit it (see BatchScheduling).
        do {
            try BatchScheduling.apply()
        } catch {
            logger.warning("threads keep the default CPU scheduling policy; tokens cost more CPU under load",
                           metadata: ["error": "\(error)"])
        }
        let mailMode = try config.mailMode().mapError { ValidationError($0.description) }.get()
        let signer = try signingKeys(config, logger: logger)
        try CommonPasswordsCheck.verify()
        let auditKey = try loadAuditKeySource(config)
        let accountSettings: AccountSettings
        do {
            accountSettings = try AccountConfiguration.load()
        } catch {
            throw ValidationError(error.description)
        }
        let protection: ProtectionConfiguration.Loaded
        do {
            protection = try ProtectionConfiguration.load()
        } catch {
            throw ValidationError(error.description)
        }
        let http: HTTPServerConfiguration.Loaded
        do {
            http = try HTTPServerConfiguration.load()
        } catch {
            throw ValidationError(error.description)
        }
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        try await withBackends(config, needsRedis: true) { backends in
            try await MigrationCheck.requireCurrent(backends)
            await RedisEvictionCheck.run(backends.redis, logger: logger)
            let hasher = try backends.makeHasher()
            let pages = try await PageRenderer(directory: config.templatesDirectory, logger: logger)
            let csrfKey = try await backends.instanceSecrets.secret(named: "csrf", candidate: backends.crypto.randomBytes(32))
            if config.developmentMode {
                try await DevelopmentSetup(backends: backends, hasher: hasher).ensureDemo()
            } else {
                try await DevelopmentDemoCheck.refuseLeftovers(backends)
            }
            let mail = MailComposition(backends: backends, mode: mailMode, logger: logger)
            logger.info("mail delivery", metadata: ["mode": "\(mailMode.summary)"])
            if !config.developmentMode {
                // Bodies development mode kept for its mailbox go now (PostgresMailOutbox).
                let removed = try await mail.outbox.removeDeliveredBodies()
                if removed > 0 {
                    logger.notice("removed the bodies of delivered mail kept by development mode", metadata: ["mails": "\(removed)"])
                }
            }
            var web = WebSettings(developmentMode: config.developmentMode)
            web.metricsAccess = http.metricsAccess
            let dependencies = WebDependencies(
                settings: config.providerSettings, web: web,
                clients: CachingClientStore(backends.clients, clock: backends.clock), users: backends.users,
                consents: backends.consents, sessions: backends.sessions,
                states: backends.authorizationStates, refreshTokens: backends.refreshTokens, signer: signer, verifier: signer,
                crypto: backends.crypto, hasher: hasher, clock: backends.clock, pages: pages,
                accounts: backends.accountDependencies(
                    settings: accountSettings, policy: config.passwordPolicy(serviceName: accountSettings.serviceName)),
                mfa: try backends.mfaDependencies(settings: MFAConfiguration.settings(accounts: accountSettings)),
                organizations: try backends.organizationDependencies,
                administration: AdministrationDependencies(directory: backends.userDirectory, reader: backends.administrationReader,
                                                           bulkJobs: backends.bulkJobs,
                                                           requireSecondFactor: config.adminMFA,
                                                           externalIdentities: backends.externalIdentities),
                apiKeys: try backends.apiKeyDependencies,
                liveEvents: backends.liveEvents,
                mailOutbox: mail.outbox,
                audit: try await backends.auditLog(auditKey, tail: AuditTail(bus: backends.liveEvents)),
                lifecycle: backends.lifecycle,
                protection: backends.protection(protection),
                csrfKey: csrfKey,
                readinessChecks: backends.readinessChecks,
                metricsExposition: {
                    var buffer: [UInt8] = []
                    metrics.emit(into: &buffer)
                    return buffer
                },
                mailbox: config.developmentMode ? mail.outbox : nil,
                logger: logger)
            let (router, answers) = GatehouseApplication.routerAndAnswers(dependencies)
            let app = Application(
                router: router,
                server: GatehouseApplication.server(timeouts: http.timeouts, answers: answers),
                configuration: .init(address: .hostname(config.host, port: config.port)),
                services: mail.services + [
                    KeyReloadService.every(.seconds(config.keysReloadInterval), signer: signer, logger: logger),
                    SessionPurgeService.every(.seconds(3600), sessions: BrowserSessions(
                        store: backends.sessions, crypto: backends.crypto, settings: config.providerSettings, clock: backends.clock),
                        logger: logger),
                    BulkWorkerService(worker: GatehouseApplication.bulkWorker(dependencies), logger: logger),
                    BulkJobSweepService.every(.seconds(3600), jobs: backends.bulkJobs, clock: backends.clock, logger: logger),
                    InvitationSweepService.every(.seconds(60), invitations: Invitations(
                        invitations: backends.invitations, organizations: backends.organizations, memberships: backends.memberships,
                        users: backends.users, crypto: backends.crypto, audit: dependencies.audit, clock: backends.clock,
                        events: backends.liveEvents), logger: logger),
                ],
                onServerRunning: { _ in
                    announce(config, kid: signer.signingKeyID, mail: mailMode)
                },
                logger: logger)
            try await app.runService()
            await mail.shutdown()
            try await hasher.shutdown()
        }
    }

    /// The key directory as a rotating signer; development mode creates the first key,
    /// production never does.
    func signingKeys(_ config: GatehouseConfiguration, logger: Logger) throws -> RotatingSigner {
        if config.developmentMode, let created = try KeyDirectory.ensureKey(in: config.keysDirectory) {
            logger.notice("development mode: created signing key", metadata: ["kid": "\(created.kid)"])
        }
        guard try !KeyDirectory.entries(in: config.keysDirectory).isEmpty else {
            throw ValidationError("no signing key in \(config.keysDirectory) (GATEHOUSE_KEYS_DIR): run `gatehouse keys generate` first")
        }
        if config.keyPublishDelay < 300 {
            // Relying parties may cache /jwks.json for 300 s (its max-age): a shorter delay lets a
            // new key sign tokens that some of them cannot verify yet.
            logger.warning("GATEHOUSE_KEY_PUBLISH_DELAY is below the JWKS cache time (300 s): after a rotation some relying parties may refuse new tokens for a while",
                           metadata: ["delay_seconds": "\(config.keyPublishDelay)"])
        }
        return try RotatingSigner(directory: config.keysDirectory, publishDelay: TimeInterval(config.keyPublishDelay), now: Date())
    }
}

private func announce(_ config: GatehouseConfiguration, kid: String, mail: MailMode) {
    var lines = ["Gatehouse is serving \(config.issuer) (listening on \(config.host):\(config.port), signing key \(kid))"]
    if config.developmentMode {
        lines += [
            "  development mode: demo pages on, never use this in production",
            "  demo sign-in:  \(config.issuer)/dev/demo/start",
            "  demo user:     \(DevelopmentSetup.demoEmail)  password: \(DevelopmentSetup.demoPassword)",
            "  demo admin:    \(DevelopmentSetup.demoAdminEmail)  password: \(DevelopmentSetup.demoPassword)  (super_admin)",
            "  demo client:   \(DevelopmentSetup.demoClientID) (public, PKCE)",
            "  discovery:     \(config.issuer)/.well-known/openid-configuration",
            "  mail:          \(mail.summary)",
            "  mailbox:       \(config.issuer)/dev/mailbox",
        ]
    }
    print(lines.joined(separator: "\n"))
    fflush(nil)
}
