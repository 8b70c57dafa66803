@testable import GatehouseCLI
import GatehouseWeb
import Testing

/// The deployment checks a configuration must pass: development mode only on loopback (bind
/// address and issuer), plain http only on loopback, and the HTTP server's own settings.
@Suite("Configuration: loopback-only development mode, https issuers, HTTP timeouts and /metrics access")
struct DeploymentHardeningConfigurationTests {
    let required = ["GATEHOUSE_DATABASE_URL": "postgresql:///gatehouse", "GATEHOUSE_REDIS_URL": "redis://127.0.0.1:6379/0"]

    func problems(_ environment: [String: String]) -> [String] {
        do {
            _ = try GatehouseConfiguration.load(required.merging(environment) { $1 }, requiring: [.database, .redis])
            return []
        } catch {
            return error.problems
        }
    }

    func httpProblems(_ environment: [String: String]) -> [String] {
        do {
            _ = try HTTPServerConfiguration.load(environment)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("development mode refuses a bind address other than loopback, even with a loopback issuer", arguments: [
        "0.0.0.0", "::", "192.0.2.10", "10.0.0.5", "id.example.com",
    ])
    func developmentModeBindsLoopbackOnly(host: String) {
        #expect(problems(["GATEHOUSE_DEV_MODE": "1", "GATEHOUSE_HOST": host]) == [
            "GATEHOUSE_DEV_MODE=1 is refused with GATEHOUSE_HOST=\(host): development mode shows mail at /dev/mailbox and has a demo account with a published password, so it listens on loopback only (127.0.0.1, ::1 or localhost)",
        ])
    }

    @Test("development mode may bind 127.0.0.0/8, ::1 and localhost", arguments: ["127.0.0.1", "127.0.0.2", "::1", "localhost", "LOCALHOST"])
    func developmentModeOnLoopback(host: String) {
        #expect(problems(["GATEHOUSE_DEV_MODE": "1", "GATEHOUSE_HOST": host]).isEmpty)
    }

    @Test("outside development mode an http issuer is refused unless it is on loopback", arguments: [
        "http://id.example.com", "http://192.0.2.10:8080", "http://gatehouse.internal:8080",
    ])
    func plainHTTPIssuerRefused(issuer: String) {
        #expect(problems(["GATEHOUSE_ISSUER": issuer, "GATEHOUSE_HOST": "0.0.0.0"]) == [
            "GATEHOUSE_ISSUER=\(issuer) is refused: outside development mode the issuer must be https (passwords, cookies and codes would cross the network in clear text); http is allowed only on 127.0.0.1, [::1] or localhost",
        ])
    }

    @Test("https issuers, and http ones on loopback, are accepted outside development mode", arguments: [
        "https://id.example.com", "https://192.0.2.10:8443", "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
    ])
    func acceptedIssuers(issuer: String) {
        #expect(problems(["GATEHOUSE_ISSUER": issuer, "GATEHOUSE_HOST": "0.0.0.0"]).isEmpty)
    }

    @Test("defaults: 30-second idle and body timeouts; /metrics for loopback only, no token")
    func httpDefaults() throws {
        let loaded = try HTTPServerConfiguration.load([:])
        #expect(loaded.timeouts == HTTPServerTimeouts(idle: .seconds(30), body: .seconds(30)))
        #expect(loaded.metricsAccess.allowedNetworks.map(\.description) == ["127.0.0.0/8", "::1/128"])
        #expect(loaded.metricsAccess.token == nil)
    }

    @Test("every HTTP setting is read; GATEHOUSE_METRICS_ALLOW=none leaves only the token")
    func httpSettings() throws {
        let token = "0123456789abcdef0123456789abcdef"
        let loaded = try HTTPServerConfiguration.load([
            "GATEHOUSE_HTTP_IDLE_TIMEOUT": "15", "GATEHOUSE_HTTP_BODY_TIMEOUT": "60",
            "GATEHOUSE_METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7,2001:db8::/32", "GATEHOUSE_METRICS_TOKEN": token,
        ])
        #expect(loaded.timeouts == HTTPServerTimeouts(idle: .seconds(15), body: .seconds(60)))
        #expect(loaded.metricsAccess.allowedNetworks.map(\.description) == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"])
        #expect(loaded.metricsAccess.token == token)
        #expect(try HTTPServerConfiguration.load(["GATEHOUSE_METRICS_ALLOW": "none"]).metricsAccess.allowedNetworks.isEmpty)
    }

    @Test("bad HTTP settings are each named")
    func httpProblemsNamed() {
        #expect(httpProblems(["GATEHOUSE_HTTP_IDLE_TIMEOUT": "0", "GATEHOUSE_HTTP_BODY_TIMEOUT": "forever",
                              "GATEHOUSE_METRICS_ALLOW": "10.0.0.0/33, metrics.example.com", "GATEHOUSE_METRICS_TOKEN": "short"]) == [
            "GATEHOUSE_HTTP_IDLE_TIMEOUT=0 must be a whole number from 1 to 3600",
            "GATEHOUSE_HTTP_BODY_TIMEOUT=forever must be a whole number from 1 to 3600",
            "GATEHOUSE_METRICS_ALLOW: 10.0.0.0/33 is not an IP address or CIDR block (e.g. 127.0.0.1/32, 10.0.0.0/8, ::1), or say none",
            "GATEHOUSE_METRICS_ALLOW: metrics.example.com is not an IP address or CIDR block (e.g. 127.0.0.1/32, 10.0.0.0/8, ::1), or say none",
            "GATEHOUSE_METRICS_TOKEN must be at least 32 printable ASCII characters without spaces (e.g. from `openssl rand -hex 32`)",
        ])
        #expect(httpProblems(["GATEHOUSE_METRICS_TOKEN": "0123456789abcdef 0123456789abcdef"]).count == 1, "no spaces")
    }
}
