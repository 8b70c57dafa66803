@testable import GatehouseCLI
import GatehouseCore
import Testing

@Suite("Configuration: lockout, per-IP limits and trusted proxies")
struct ProtectionConfigurationTests {
    func problems(_ environment: [String: String]) -> [String] {
        do {
            _ = try ProtectionConfiguration.load(environment)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("defaults: 5 failures in 15 minutes lock for 15 minutes; per-IP limits on; no trusted proxies")
    func defaults() throws {
        let loaded = try ProtectionConfiguration.load([:])
        #expect(loaded.settings.passwordFailures == LimitPolicy(limit: 5, window: .seconds(900)))
        #expect(loaded.settings.secondFactorFailures == LimitPolicy(limit: 5, window: .seconds(900)))
        #expect(loaded.settings.lockoutDuration == .seconds(900))
        #expect(loaded.settings.policy(for: .login) == LimitPolicy(limit: 30, window: .seconds(300)))
        #expect(loaded.settings.policy(for: .clientAuthentication) == LimitPolicy(limit: 20, window: .seconds(300)))
        #expect(loaded.trustedProxies.isEmpty)
    }

    @Test("every setting is read")
    func settings() throws {
        let loaded = try ProtectionConfiguration.load([
            "GATEHOUSE_LOCKOUT_THRESHOLD": "10", "GATEHOUSE_LOCKOUT_WINDOW": "600", "GATEHOUSE_LOCKOUT_DURATION": "3600",
            "GATEHOUSE_MFA_LOCKOUT_THRESHOLD": "3", "GATEHOUSE_RATE_LIMIT_LOGIN": "100/60", "GATEHOUSE_RATE_LIMIT_MFA": "0",
            "GATEHOUSE_RATE_LIMIT_REGISTRATION": "5/86400", "GATEHOUSE_RATE_LIMIT_PASSWORD_RESET": "off",
            "GATEHOUSE_RATE_LIMIT_VERIFICATION": "7/70", "GATEHOUSE_RATE_LIMIT_VERIFICATION_RESEND": "2/120",
            "GATEHOUSE_RATE_LIMIT_CLIENT_AUTH_FAILURES": "50/600", "GATEHOUSE_TRUSTED_PROXIES": "10.0.0.0/8, ::1,192.0.2.7",
        ])
        #expect(loaded.settings.passwordFailures == LimitPolicy(limit: 10, window: .seconds(600)))
        #expect(loaded.settings.secondFactorFailures == LimitPolicy(limit: 3, window: .seconds(600)))
        #expect(loaded.settings.lockoutDuration == .seconds(3600))
        #expect(loaded.settings.policy(for: .login) == LimitPolicy(limit: 100, window: .seconds(60)))
        #expect(!loaded.settings.policy(for: .secondFactor).isEnabled)
        #expect(loaded.settings.policy(for: .registration) == LimitPolicy(limit: 5, window: .seconds(86400)))
        #expect(!loaded.settings.policy(for: .passwordReset).isEnabled)
        #expect(loaded.settings.policy(for: .verification) == LimitPolicy(limit: 7, window: .seconds(70)))
        #expect(loaded.settings.policy(for: .verificationResend) == LimitPolicy(limit: 2, window: .seconds(120)))
        #expect(loaded.settings.policy(for: .clientAuthentication) == LimitPolicy(limit: 50, window: .seconds(600)))
        #expect(loaded.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128", "192.0.2.7/32"])
    }

    @Test("bad values are each named", arguments: [
        ("GATEHOUSE_LOCKOUT_THRESHOLD", "many"), ("GATEHOUSE_LOCKOUT_WINDOW", "0"), ("GATEHOUSE_LOCKOUT_DURATION", "-5"),
        ("GATEHOUSE_RATE_LIMIT_LOGIN", "30"), ("GATEHOUSE_RATE_LIMIT_LOGIN", "30/0"), ("GATEHOUSE_RATE_LIMIT_CLIENT_AUTH_FAILURES", "x/60"),
        ("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal"), ("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/40"),
    ])
    func wrong(name: String, value: String) {
        let found = problems([name: value])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(name) == true)
    }
}

@Suite("Configuration: the emailed-code lockout")
struct EmailCodeLockoutConfigurationTests {
    @Test("GATEHOUSE_EMAIL_CODE_LOCKOUT_THRESHOLD: 5 by default, in the lockout window; 0 turns it off; nonsense is named")
    func emailCodeThreshold() throws {
        #expect(try ProtectionConfiguration.load([:]).settings.emailCodeFailures == LimitPolicy(limit: 5, window: .seconds(900)))
        let set = try ProtectionConfiguration.load(["GATEHOUSE_EMAIL_CODE_LOCKOUT_THRESHOLD": "8", "GATEHOUSE_LOCKOUT_WINDOW": "600"])
        #expect(set.settings.emailCodeFailures == LimitPolicy(limit: 8, window: .seconds(600)))
        #expect(!(try ProtectionConfiguration.load(["GATEHOUSE_EMAIL_CODE_LOCKOUT_THRESHOLD": "0"]).settings.emailCodeFailures.isEnabled))
        do {
            _ = try ProtectionConfiguration.load(["GATEHOUSE_EMAIL_CODE_LOCKOUT_THRESHOLD": "many"])
            Issue.record("a threshold that is not a number was accepted")
        } catch {
            #expect(error.problems.contains { $0.contains("GATEHOUSE_EMAIL_CODE_LOCKOUT_THRESHOLD") })
        }
    }
}
