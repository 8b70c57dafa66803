import Foundation
import GatehouseWeb

/// The checks a loaded configuration must pass, as a table: each names its variable and says
/// what to do.
enum ConfigurationChecks {
    static func run(_ config: GatehouseConfiguration, requiring requirements: Set<GatehouseConfiguration.Requirement>) -> [String] {
        var problems: [String] = []
        if let issuerProblem = issuerProblem(config.issuer) {
            problems.append("GATEHOUSE_ISSUER=\(config.issuer) \(issuerProblem)")
        }
        if requirements.contains(.database) && config.databaseURL == nil {
            problems.append("GATEHOUSE_DATABASE_URL is not set (a libpq URL, e.g. postgresql://user@localhost:5432/gatehouse)")
        }
        if requirements.contains(.redis) {
            if let url = config.redisURL {
                if url.lowercased().hasPrefix("rediss://") {
                    problems.append("GATEHOUSE_REDIS_URL uses rediss://, but hiredis 0.14 has no TLS: use redis:// on loopback, a unix:// socket, or stunnel")
                }
            } else {
                problems.append("GATEHOUSE_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0 or unix:///run/redis.sock)")
            }
        }
        if config.developmentMode && !isLoopbackHTTP(config.issuer) {
            problems.append("GATEHOUSE_DEV_MODE=1 is refused with GATEHOUSE_ISSUER=\(config.issuer): development mode needs an http issuer on 127.0.0.1, [::1] or localhost")
        }
        if config.developmentMode && !isLoopbackHost(config.host) {
            problems.append("GATEHOUSE_DEV_MODE=1 is refused with GATEHOUSE_HOST=\(config.host): development mode shows mail at /dev/mailbox and has a demo account with a published password, so it listens on loopback only (127.0.0.1, ::1 or localhost)")
        }
        if !config.developmentMode && issuerProblem(config.issuer) == nil && isPlainHTTP(config.issuer) && !isLoopbackHTTP(config.issuer) {
            problems.append("GATEHOUSE_ISSUER=\(config.issuer) is refused: outside development mode the issuer must be https (passwords, cookies and codes would cross the network in clear text); http is allowed only on 127.0.0.1, [::1] or localhost")
        }
        if config.refreshTokenIdleTTL > config.refreshTokenAbsoluteTTL {
            problems.append("GATEHOUSE_REFRESH_TOKEN_IDLE_TTL must not exceed GATEHOUSE_REFRESH_TOKEN_ABSOLUTE_TTL")
        }
        if config.passwordMinLength > config.passwordMaxLength {
            problems.append("GATEHOUSE_PASSWORD_MIN_LENGTH=\(config.passwordMinLength) must not exceed GATEHOUSE_PASSWORD_MAX_LENGTH=\(config.passwordMaxLength)")
        }
        problems += mailProblems(config, requiring: requirements)
        problems += encryptionKeyProblems(config, requiring: requirements)
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(config.logLevel) {
            problems.append("GATEHOUSE_LOG_LEVEL=\(config.logLevel) must be one of trace, debug, info, notice, warning, error, critical")
        }
        return problems
    }

    /// The issuer must be an origin: `http(s)://host[:port]`, no path, query or fragment
    /// (DESIGN.md; OIDC Discovery §3 `issuer`).
    static func issuerProblem(_ issuer: String) -> String? {
        guard let components = URLComponents(string: issuer), let scheme = components.scheme,
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty else {
            return "must be an origin such as https://id.example.com"
        }
        if !components.path.isEmpty || components.query != nil || components.fragment != nil
            || components.user != nil || issuer.hasSuffix("/") {
            return "must be an origin without path, query, fragment or trailing slash (e.g. https://id.example.com)"
        }
        return nil
    }

    static func isPlainHTTP(_ issuer: String) -> Bool {
        URLComponents(string: issuer)?.scheme?.lowercased() == "http"
    }

    /// A bind address that only this machine can reach: localhost, 127.0.0.0/8 or ::1.
    static func isLoopbackHost(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        guard let address = IPAddress(host) else { return false }
        return MetricsAccess.loopback.contains { $0.contains(address) }
    }

    static func isLoopbackHTTP(_ issuer: String) -> Bool {
        guard let components = URLComponents(string: issuer), components.scheme == "http",
              let host = components.host?.lowercased() else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }
}
