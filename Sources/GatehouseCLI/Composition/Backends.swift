import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import GatehouseRedis
import GatehouseWeb
import Logging

/// The one place that knows the concrete backends: it opens the pools and builds the stores
/// the commands and the web layer see as ports.
final class Backends: Sendable {
    let configuration: GatehouseConfiguration
    let logger: Logger
    let postgres: PostgresPool
    let redis: RedisPool?
    let crypto = OpenSSLCrypto()
    let clock = SystemClock()

    init(configuration: GatehouseConfiguration, logger: Logger, needsRedis: Bool) throws {
        self.configuration = configuration
        self.logger = logger
        postgres = PostgresPool(url: configuration.databaseURL ?? "", maxConnections: configuration.databasePoolSize, logger: logger)
        redis = needsRedis
            ? try RedisPool(url: configuration.redisURL ?? "", maxConnections: configuration.redisPoolSize, logger: logger)
            : nil
    }

    var users: PostgresUserStore { PostgresUserStore(pool: postgres) }
    var clients: PostgresClientStore { PostgresClientStore(pool: postgres) }
    var consents: PostgresConsentStore { PostgresConsentStore(pool: postgres) }
    var userDirectory: PostgresUserDirectoryStore { PostgresUserDirectoryStore(pool: postgres) }
    var administrationReader: PostgresAdministrationReader { PostgresAdministrationReader(pool: postgres) }
    var bulkJobs: PostgresBulkJobStore { PostgresBulkJobStore(pool: postgres) }
    var sessions: PostgresSessionStore { PostgresSessionStore(pool: postgres) }
    var refreshTokens: PostgresRefreshTokenStore { PostgresRefreshTokenStore(pool: postgres) }
    var instanceSecrets: PostgresInstanceSecrets { PostgresInstanceSecrets(pool: postgres) }
    var organizations: PostgresOrganizationStore { PostgresOrganizationStore(pool: postgres) }
    var memberships: PostgresMembershipStore { PostgresMembershipStore(pool: postgres) }
    var customRoles: PostgresCustomRoleStore { PostgresCustomRoleStore(pool: postgres) }
    var invitations: PostgresInvitationStore { PostgresInvitationStore(pool: postgres) }
    var externalIdentities: PostgresExternalIdentityStore { PostgresExternalIdentityStore(pool: postgres) }
    var lifecycle: PostgresUserLifecycleStore {
        PostgresUserLifecycleStore(pool: postgres, messageIDDomain: URLComponents(string: configuration.issuer)?.host ?? "gatehouse.local")
    }
    /// The organizations' stores and the invitation lifetime (`GATEHOUSE_INVITE_TTL`, checked here).
    var organizationDependencies: OrganizationDependencies {
        get throws {
            OrganizationDependencies(organizations: organizations, memberships: memberships, invitations: invitations,
                                     customRoles: customRoles, invitationLifetime: try InvitationConfiguration.lifetime())
        }
    }

    /// Personal access tokens' store and the longest life a key may have (`GATEHOUSE_API_KEY_MAX_DAYS`, checked here).
    var apiKeyDependencies: APIKeyDependencies {
        get throws {
            APIKeyDependencies(store: PostgresAPIKeyStore(pool: postgres), maximumLifetimeDays: try APIKeyConfiguration.maximumDays())
        }
    }

    var migrator: PostgresMigrator {
        PostgresMigrator(pool: postgres, directory: URL(fileURLWithPath: configuration.migrationsDirectory, isDirectory: true),
                         logger: logger)
    }

    func makeHasher() throws -> Argon2PasswordHasher {
        try Argon2PasswordHasher(
            parameters: Argon2Parameters(memoryKiB: configuration.argon2MemoryKiB, iterations: configuration.argon2Iterations,
                                         parallelism: configuration.argon2Parallelism),
            threads: configuration.argon2Threads, maxQueued: configuration.argon2MaxQueued)
    }

    func shutdown() async {
        await postgres.shutdown()
        await redis?.shutdown()
    }
}

/// A short message for the operator, printed instead of a stack trace.
struct OperatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with the backends open and closes them afterwards, whatever happens.
func withBackends<T>(_ configuration: GatehouseConfiguration, needsRedis: Bool = false,
                     _ body: (Backends) async throws -> T) async throws -> T {
    let backends = try Backends(configuration: configuration, logger: makeLogger(configuration), needsRedis: needsRedis)
    do {
        let result = try await body(backends)
        await backends.shutdown()
        return result
    } catch {
        await backends.shutdown()
        throw error
    }
}

func makeLogger(_ configuration: GatehouseConfiguration) -> Logger {
    var logger = Logger(label: "gatehouse", factory: DeferredMetadataLogHandler.init(label:))
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return logger
}

extension Backends {
    var authorizationStates: RedisAuthorizationStateStore {
        guard let redis else { preconditionFailure("Backends opened without Redis") }
        return RedisAuthorizationStateStore(pool: redis)
    }

    var liveEvents: RedisLiveEventBus {
        guard let redis else { preconditionFailure("Backends opened without Redis") }
        return RedisLiveEventBus(pool: redis, clock: clock)
    }

    var readinessChecks: [String: @Sendable () async -> Bool] {
        let postgres = self.postgres
        let redis = self.redis
        return [
            "postgresql": { await postgres.isReachable() },
            "redis": { await redis?.isReachable() ?? false },
        ]
    }
}

extension Backends {
    /// The self-service account pieces: Redis challenges, Postgres reset links and history.
    func accountDependencies(settings: AccountSettings, policy: PasswordPolicy) -> AccountDependencies {
        guard let redis else { preconditionFailure("Backends opened without Redis") }
        return AccountDependencies(
            settings: settings, verifications: RedisVerificationStore(pool: redis),
            passwordResets: PostgresPasswordResetStore(pool: postgres),
            passwordHistory: PostgresPasswordHistoryStore(pool: postgres, keeping: policy.settings.historyCount),
            passwordPolicy: policy)
    }
}
