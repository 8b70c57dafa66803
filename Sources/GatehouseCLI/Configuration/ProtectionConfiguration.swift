import Foundation
import GatehouseCore
import GatehouseWeb

/// The brute-force and abuse settings (`GATEHOUSE_LOCKOUT_*`, `GATEHOUSE_RATE_LIMIT_*`,
/// `GATEHOUSE_PENDING_AUTHORIZATIONS_*`, `GATEHOUSE_TRUSTED_PROXIES`), read from the environment
/// like the rest, each bad value named.
enum ProtectionConfiguration {
    struct Loaded: Sendable {
        var settings = ProtectionSettings()
        var trustedProxies: [IPNetwork] = []
        /// Networks exempt from per-IP limits (`GATEHOUSE_RATE_LIMIT_EXEMPT`).
        var exemptNetworks: [IPNetwork] = []
    }

    /// The per-IP limits by variable: `N/SECONDS` (N requests per SECONDS from one address) or `0`.
    static let rateLimitVariables: [(name: Setting, action: RateLimitedAction)] = [
        (.rateLimitLogin, .login),
        (.rateLimitMfa, .secondFactor),
        (.rateLimitRegistration, .registration),
        (.rateLimitPasswordReset, .passwordReset),
        (.rateLimitVerification, .verification),
        (.rateLimitVerificationResend, .verificationResend),
        (.rateLimitClientAuthFailures, .clientAuthentication),
        (.rateLimitPasswordWork, .passwordWork),
    ]

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Loaded {
        var reader = EnvironmentReader(environment: environment)
        var loaded = Loaded()
        var settings = ProtectionSettings()
        var problems: [String] = []

        settings.passwordFailures.limit = reader.integer(.lockoutThreshold, default: settings.passwordFailures.limit, in: 0...1000)
        settings.secondFactorFailures.limit = reader.integer(.mfaLockoutThreshold,
                                                             default: settings.secondFactorFailures.limit, in: 0...1000)
        settings.emailCodeFailures.limit = reader.integer(.emailCodeLockoutThreshold,
                                                          default: settings.emailCodeFailures.limit, in: 0...1000)
        let window = reader.integer(.lockoutWindow, default: 900, in: 1...86_400)
        settings.passwordFailures.window = .seconds(window)
        settings.secondFactorFailures.window = .seconds(window)
        settings.emailCodeFailures.window = .seconds(window)
        settings.lockoutDuration = .seconds(reader.integer(.lockoutDuration, default: 900, in: 1...604_800))

        for (name, action) in rateLimitVariables {
            guard let text = reader.optionalString(name) else { continue }
            if let policy = parseRate(text) {
                settings.perIP[action] = policy
            } else {
                problems.append("\(name)=\(text) must be N/SECONDS (at most N requests per SECONDS from one address, e.g. 30/300) or 0 for no limit")
            }
        }

        // The other `N/SECONDS` limits (per account, per recipient), by variable.
        let otherRateVariables: [(name: Setting, per: String, path: WritableKeyPath<ProtectionSettings, LimitPolicy>)] = [
            (.rateLimitPasswordWorkPerAccount, "account", \.passwordWorkPerAccount),
            (.rateLimitMailPerRecipient, "recipient address", \.mailPerRecipient),
        ]
        for (name, per, path) in otherRateVariables {
            guard let text = reader.optionalString(name) else { continue }
            if let policy = parseRate(text) {
                settings[keyPath: path] = policy
            } else {
                problems.append("\(name)=\(text) must be N/SECONDS (at most N per SECONDS for one \(per), e.g. 5/3600) or 0 for no limit")
            }
        }
        let perAddressKB = reader.integer(.pendingAuthorizationsPerAddressKB,
                                          default: settings.pendingAuthorizationBytesPerAddress >> 10, in: 0...10_485_760)
        let totalMB = reader.integer(.pendingAuthorizationsMaxMB, default: settings.pendingAuthorizationBytesTotal >> 20,
                                     in: 0...1_048_576)
        settings.pendingAuthorizationBytesPerAddress = perAddressKB << 10
        settings.pendingAuthorizationBytesTotal = totalMB << 20
        if totalMB > 0, perAddressKB > totalMB << 10 {
            problems.append("GATEHOUSE_PENDING_AUTHORIZATIONS_PER_ADDRESS_KB (\(perAddressKB)) must not exceed "
                            + "GATEHOUSE_PENDING_AUTHORIZATIONS_MAX_MB (\(totalMB)) in KB (\(totalMB << 10))")
        }

        (loaded.trustedProxies, problems) = networks(.trustedProxies, reader, problems)
        (loaded.exemptNetworks, problems) = networks(.rateLimitExempt, reader, problems)

        loaded.settings = settings
        problems = reader.problems + problems
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return loaded
    }

    /// A comma-separated list of IP addresses and CIDR blocks, each bad entry a problem.
    static func networks(_ name: Setting, _ reader: EnvironmentReader, _ problems: [String]) -> ([IPNetwork], [String]) {
        var found: [IPNetwork] = [], problems = problems
        for entry in (reader.optionalString(name) ?? "").split(separator: ",") {
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            if let network = IPNetwork(text) {
                found.append(network)
            } else {
                problems.append("\(name): \(text) is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1)")
            }
        }
        return (found, problems)
    }

    /// `N/SECONDS`, or `0` / `off` for no limit.
    static func parseRate(_ text: String) -> LimitPolicy? {
        if text == "0" || text.lowercased() == "off" { return LimitPolicy(limit: 0, window: .seconds(1)) }
        let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let limit = Int(parts[0]), let seconds = Int(parts[1]),
              (0...1_000_000).contains(limit), (1...86_400).contains(seconds) else { return nil }
        return LimitPolicy(limit: limit, window: .seconds(seconds))
    }
}
