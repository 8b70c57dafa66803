import Foundation
import GatehouseCore
import GatehouseWeb

/// The brute-force settings (`GATEHOUSE_LOCKOUT_*`, `GATEHOUSE_RATE_LIMIT_*`,
/// `GATEHOUSE_TRUSTED_PROXIES`), read from the environment like the rest, each bad value named.
enum ProtectionConfiguration {
    struct Loaded: Sendable {
        var settings = ProtectionSettings()
        var trustedProxies: [IPNetwork] = []
    }

    /// The per-IP limits by variable: `N/SECONDS` (N requests per SECONDS from one address) or `0`.
    static let rateLimitVariables: [(name: String, action: RateLimitedAction)] = [
        ("GATEHOUSE_RATE_LIMIT_LOGIN", .login),
        ("GATEHOUSE_RATE_LIMIT_MFA", .secondFactor),
        ("GATEHOUSE_RATE_LIMIT_REGISTRATION", .registration),
        ("GATEHOUSE_RATE_LIMIT_PASSWORD_RESET", .passwordReset),
        ("GATEHOUSE_RATE_LIMIT_VERIFICATION", .verification),
        ("GATEHOUSE_RATE_LIMIT_VERIFICATION_RESEND", .verificationResend),
        ("GATEHOUSE_RATE_LIMIT_CLIENT_AUTH_FAILURES", .clientAuthentication),
    ]

    static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Loaded {
        var reader = EnvironmentReader(environment: environment)
        var loaded = Loaded()
        var settings = ProtectionSettings()
        var problems: [String] = []

        settings.passwordFailures.limit = reader.integer("GATEHOUSE_LOCKOUT_THRESHOLD", default: settings.passwordFailures.limit, in: 0...1000)
        settings.secondFactorFailures.limit = reader.integer("GATEHOUSE_MFA_LOCKOUT_THRESHOLD",
                                                             default: settings.secondFactorFailures.limit, in: 0...1000)
        settings.emailCodeFailures.limit = reader.integer("GATEHOUSE_EMAIL_CODE_LOCKOUT_THRESHOLD",
                                                          default: settings.emailCodeFailures.limit, in: 0...1000)
        let window = reader.integer("GATEHOUSE_LOCKOUT_WINDOW", default: 900, in: 1...86_400)
        settings.passwordFailures.window = .seconds(window)
        settings.secondFactorFailures.window = .seconds(window)
        settings.emailCodeFailures.window = .seconds(window)
        settings.lockoutDuration = .seconds(reader.integer("GATEHOUSE_LOCKOUT_DURATION", default: 900, in: 1...604_800))

        for (name, action) in rateLimitVariables {
            guard let text = reader.optionalString(name) else { continue }
            if let policy = parseRate(text) {
                settings.perIP[action] = policy
            } else {
                problems.append("\(name)=\(text) must be N/SECONDS (at most N requests per SECONDS from one address, e.g. 30/300) or 0 for no limit")
            }
        }

        for entry in (reader.optionalString("GATEHOUSE_TRUSTED_PROXIES") ?? "").split(separator: ",") {
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            if let network = IPNetwork(text) {
                loaded.trustedProxies.append(network)
            } else {
                problems.append("GATEHOUSE_TRUSTED_PROXIES: \(text) is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1)")
            }
        }

        loaded.settings = settings
        problems = reader.problems + problems
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return loaded
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
