import Foundation
import GatehouseCore

/// Every setting, read once from the environment (defaults → environment), validated by a
/// table of checks that reports every problem at once, each naming its variable.
struct GatehouseConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var issuer = "http://127.0.0.1:8080"
    var databaseURL: String?
    var redisURL: String?
    var keysDirectory = "keys"
    /// Seconds a new key is published before it signs (`SigningKeySchedule`).
    var keyPublishDelay = 3600
    /// Seconds between `serve`'s re-reads of the key directory.
    var keysReloadInterval = 60
    var templatesDirectory = "templates"
    var migrationsDirectory = "migrations"
    var developmentMode = false
    var argon2MemoryKiB = 19456
    var argon2Iterations = 2
    var argon2Parallelism = 1
    var argon2Threads: Int?
    var argon2MaxQueued = 32
    var databasePoolSize = 8
    var redisPoolSize = 8
    var accessTokenTTL = 900
    var idTokenTTL = 900
    var refreshTokenIdleTTL = 7 * 24 * 3600
    var refreshTokenAbsoluteTTL = 30 * 24 * 3600
    var sessionTTL = 12 * 3600
    var codeTTL = 60
    var logLevel = "info"
    var passwordMinLength = 12
    var passwordMaxLength = 128
    var passwordRequireUppercase = false
    var passwordRequireLowercase = false
    var passwordRequireDigit = false
    var passwordRequireSymbol = false
    var passwordHistory = 5
    var passwordMaxAgeDays = 0
    /// `GATEHOUSE_SMTP_URL` as given (`smtp://…`, `smtps://…` or `none`); see `mailMode()`.
    var smtpURL: String?
    var mailFrom: String?
    var smtpCAFile: String?
    /// `GATEHOUSE_ENCRYPTION_KEY` as given (base64 of 32 bytes); see `encryptionKey()`.
    var encryptionKeyText: String?
    /// `GATEHOUSE_MFA_REQUIRED`: every sign-in needs a second factor.
    var mfaRequired = false
    /// `GATEHOUSE_ADMIN_MFA`: the console (`/admin`) asks every administrator for a second factor (on unless `0`).
    var adminMFA = true

    /// What a command needs beyond the always-checked basics.
    enum Requirement { case database, redis, mail, encryption }

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                     requiring requirements: Set<Requirement>) throws(ConfigurationError) -> GatehouseConfiguration {
        var reader = EnvironmentReader(environment: environment)
        var config = GatehouseConfiguration()
        config.host = reader.string(.host, default: config.host)
        config.port = reader.integer(.port, default: config.port, in: 1...65535)
        config.issuer = reader.string(.issuer, default: "http://127.0.0.1:\(config.port)")
        config.databaseURL = reader.optionalString(.databaseURL)
        config.redisURL = reader.optionalString(.redisURL)
        config.keysDirectory = reader.string(.keysDir, default: config.keysDirectory)
        config.keyPublishDelay = reader.integer(.keyPublishDelay, default: config.keyPublishDelay, in: 0...2_592_000)
        config.keysReloadInterval = reader.integer(.keysReloadInterval, default: config.keysReloadInterval, in: 1...86_400)
        config.templatesDirectory = reader.string(.templatesDir, default: config.templatesDirectory)
        config.migrationsDirectory = reader.string(.migrationsDir, default: config.migrationsDirectory)
        config.developmentMode = reader.flag(.devMode)
        config.argon2MemoryKiB = reader.integer(.argon2MemoryKiB, default: config.argon2MemoryKiB, in: 8...4_194_304)
        config.argon2Iterations = reader.integer(.argon2Iterations, default: config.argon2Iterations, in: 1...100)
        config.argon2Parallelism = reader.integer(.argon2Parallelism, default: config.argon2Parallelism, in: 1...64)
        config.argon2Threads = reader.optionalInteger(.argon2Threads, in: 1...256)
        config.argon2MaxQueued = reader.integer(.argon2MaxQueued, default: config.argon2MaxQueued, in: 1...10_000)
        config.databasePoolSize = reader.integer(.databasePoolSize, default: config.databasePoolSize, in: 1...256)
        config.redisPoolSize = reader.integer(.redisPoolSize, default: config.redisPoolSize, in: 1...256)
        config.accessTokenTTL = reader.integer(.accessTokenTTL, default: config.accessTokenTTL, in: 30...86_400)
        config.idTokenTTL = reader.integer(.idTokenTTL, default: config.idTokenTTL, in: 30...86_400)
        config.refreshTokenIdleTTL = reader.integer(.refreshTokenIdleTTL, default: config.refreshTokenIdleTTL, in: 60...31_536_000)
        config.refreshTokenAbsoluteTTL = reader.integer(.refreshTokenAbsoluteTTL, default: config.refreshTokenAbsoluteTTL, in: 60...31_536_000)
        config.sessionTTL = reader.integer(.sessionTTL, default: config.sessionTTL, in: 60...31_536_000)
        config.codeTTL = reader.integer(.codeTTL, default: config.codeTTL, in: 5...600)
        config.logLevel = reader.string(.logLevel, default: config.logLevel)
        config.passwordMinLength = reader.integer(.passwordMinLength, default: config.passwordMinLength, in: 8...1024)
        config.passwordMaxLength = reader.integer(.passwordMaxLength, default: config.passwordMaxLength, in: 64...1024)
        config.passwordRequireUppercase = reader.flag(.passwordRequireUppercase)
        config.passwordRequireLowercase = reader.flag(.passwordRequireLowercase)
        config.passwordRequireDigit = reader.flag(.passwordRequireDigit)
        config.passwordRequireSymbol = reader.flag(.passwordRequireSymbol)
        config.passwordHistory = reader.integer(.passwordHistory, default: config.passwordHistory, in: 0...24)
        config.passwordMaxAgeDays = reader.integer(.passwordMaxAgeDays, default: config.passwordMaxAgeDays, in: 0...3650)
        config.smtpURL = reader.optionalString(.smtpURL)
        config.mailFrom = reader.optionalString(.mailFrom)
        config.smtpCAFile = reader.optionalString(.smtpCAFile)
        config.encryptionKeyText = reader.optionalString(.encryptionKey)
        config.mfaRequired = reader.flag(.mfaRequired)
        config.adminMFA = reader.flag(.adminMFA, default: true)

        var problems = reader.problems
        problems += ConfigurationChecks.run(config, requiring: requirements)
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return config
    }

    var providerSettings: ProviderSettings {
        var settings = ProviderSettings(issuer: issuer)
        settings.accessTokenLifetime = .seconds(accessTokenTTL)
        settings.idTokenLifetime = .seconds(idTokenTTL)
        settings.refreshTokenIdleLifetime = .seconds(refreshTokenIdleTTL)
        settings.refreshTokenAbsoluteLifetime = .seconds(refreshTokenAbsoluteTTL)
        settings.sessionLifetime = .seconds(sessionTTL)
        settings.authorizationCodeLifetime = .seconds(codeTTL)
        settings.requireMFA = mfaRequired
        return settings
    }
}

/// Every configuration problem at once, each naming its variable.
struct ConfigurationError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String {
        "configuration problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
