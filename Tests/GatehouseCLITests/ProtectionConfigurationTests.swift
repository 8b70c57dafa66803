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

    @Test("defaults: 5 failures in 15 minutes lock for 15 minutes; per-IP limits on; no trusted proxies, no exempt networks")
    func defaults() throws {
        let loaded = try ProtectionConfiguration.load([:])
        #expect(loaded.settings.passwordFailures == LimitPolicy(limit: 5, window: .seconds(900)))
        #expect(loaded.settings.secondFactorFailures == LimitPolicy(limit: 5, window: .seconds(900)))
        #expect(loaded.settings.lockoutDuration == .seconds(900))
        #expect(loaded.settings.policy(for: .login) == LimitPolicy(limit: 100, window: .seconds(300)), "failures only")
        #expect(loaded.settings.policy(for: .clientAuthentication) == LimitPolicy(limit: 20, window: .seconds(300)))
        #expect(loaded.settings.policy(for: .passwordWork) == LimitPolicy(limit: 60, window: .seconds(300)))
        #expect(loaded.settings.passwordWorkPerAccount == LimitPolicy(limit: 10, window: .seconds(900)))
        #expect(loaded.settings.mailPerRecipient == LimitPolicy(limit: 5, window: .seconds(3600)))
        #expect(loaded.settings.pendingAuthorizationBytesPerAddress == 4 * 1024 * 1024)
        #expect(loaded.settings.pendingAuthorizationBytesTotal == 128 * 1024 * 1024)
        #expect(loaded.trustedProxies.isEmpty)
        #expect(loaded.exemptNetworks.isEmpty)
    }

    @Test("every setting is read")
    func settings() throws {
        let loaded = try ProtectionConfiguration.load([
            "GATEHOUSE_LOCKOUT_THRESHOLD": "10", "GATEHOUSE_LOCKOUT_WINDOW": "600", "GATEHOUSE_LOCKOUT_DURATION": "3600",
            "GATEHOUSE_MFA_LOCKOUT_THRESHOLD": "3", "GATEHOUSE_RATE_LIMIT_LOGIN": "100/60", "GATEHOUSE_RATE_LIMIT_MFA": "0",
            "GATEHOUSE_RATE_LIMIT_REGISTRATION": "5/86400", "GATEHOUSE_RATE_LIMIT_PASSWORD_RESET": "off",
            "GATEHOUSE_RATE_LIMIT_VERIFICATION": "7/70", "GATEHOUSE_RATE_LIMIT_VERIFICATION_RESEND": "2/120",
            "GATEHOUSE_RATE_LIMIT_CLIENT_AUTH_FAILURES": "50/600", "GATEHOUSE_TRUSTED_PROXIES": "10.0.0.0/8, ::1,192.0.2.7",
            "GATEHOUSE_RATE_LIMIT_PASSWORD_WORK": "20/60", "GATEHOUSE_RATE_LIMIT_PASSWORD_WORK_PER_ACCOUNT": "4/600",
            "GATEHOUSE_RATE_LIMIT_MAIL_PER_RECIPIENT": "3/7200", "GATEHOUSE_PENDING_AUTHORIZATIONS_PER_ADDRESS_KB": "512",
            "GATEHOUSE_PENDING_AUTHORIZATIONS_MAX_MB": "32", "GATEHOUSE_RATE_LIMIT_EXEMPT": "203.0.113.0/24, 2001:db8::/48",
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
        #expect(loaded.settings.policy(for: .passwordWork) == LimitPolicy(limit: 20, window: .seconds(60)))
        #expect(loaded.settings.passwordWorkPerAccount == LimitPolicy(limit: 4, window: .seconds(600)))
        #expect(loaded.settings.mailPerRecipient == LimitPolicy(limit: 3, window: .seconds(7200)))
        #expect(loaded.settings.pendingAuthorizationBytesPerAddress == 512 * 1024)
        #expect(loaded.settings.pendingAuthorizationBytesTotal == 32 * 1024 * 1024)
        #expect(loaded.exemptNetworks.map(\.description) == ["203.0.113.0/24", "2001:db8::/48"])
    }

    @Test("bad values are each named", arguments: [
        ("GATEHOUSE_LOCKOUT_THRESHOLD", "many"), ("GATEHOUSE_LOCKOUT_WINDOW", "0"), ("GATEHOUSE_LOCKOUT_DURATION", "-5"),
        ("GATEHOUSE_RATE_LIMIT_LOGIN", "30"), ("GATEHOUSE_RATE_LIMIT_LOGIN", "30/0"), ("GATEHOUSE_RATE_LIMIT_CLIENT_AUTH_FAILURES", "x/60"),
        ("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal"), ("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/40"),
        ("GATEHOUSE_RATE_LIMIT_EXEMPT", "school.example"), ("GATEHOUSE_RATE_LIMIT_PASSWORD_WORK", "lots"),
        ("GATEHOUSE_RATE_LIMIT_PASSWORD_WORK_PER_ACCOUNT", "10"), ("GATEHOUSE_RATE_LIMIT_MAIL_PER_RECIPIENT", "5/0"),
        ("GATEHOUSE_PENDING_AUTHORIZATIONS_PER_ADDRESS_KB", "-1"), ("GATEHOUSE_PENDING_AUTHORIZATIONS_MAX_MB", "many"),
    ])
    func wrong(name: String, value: String) {
        let found = problems([name: value])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(name) == true)
    }

    @Test("the budget per address may not exceed the total")
    func budgetWithinTotal() {
        #expect(problems(["GATEHOUSE_PENDING_AUTHORIZATIONS_PER_ADDRESS_KB": "4096", "GATEHOUSE_PENDING_AUTHORIZATIONS_MAX_MB": "2"])
                == ["GATEHOUSE_PENDING_AUTHORIZATIONS_PER_ADDRESS_KB (4096) must not exceed GATEHOUSE_PENDING_AUTHORIZATIONS_MAX_MB (2) in KB (2048)"])
    }
}

@Suite("serve checks Redis's eviction policy")
struct RedisEvictionCheckTests {
    @Test("noeviction passes; any eviction policy is named in a warning")
    func policies() {
        #expect(RedisEvictionCheck.warning(for: "noeviction") == nil)
        for policy in ["allkeys-lru", "volatile-ttl", "allkeys-random"] {
            #expect(RedisEvictionCheck.warning(for: policy)
                    == "Redis maxmemory-policy is \(policy): it must be noeviction, or a full Redis may evict attempt counters, "
                    + "lockouts and used-code markers (set maxmemory-policy noeviction in redis.conf)")
        }
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
