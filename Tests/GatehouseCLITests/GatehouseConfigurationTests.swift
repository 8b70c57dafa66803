@testable import GatehouseCLI
import Testing

@Suite("Configuration: defaults, and every bad setting named at once")
struct GatehouseConfigurationTests {
    let required = ["GATEHOUSE_DATABASE_URL": "postgresql:///gatehouse", "GATEHOUSE_REDIS_URL": "redis://127.0.0.1:6379/0"]

    func problems(_ environment: [String: String]) -> [String] {
        do {
            _ = try GatehouseConfiguration.load(environment, requiring: [.database, .redis])
            return []
        } catch {
            return error.problems
        }
    }

    @Test("defaults: 127.0.0.1:8080, issuer derived from the port, OWASP argon2, DESIGN.md lifetimes")
    func defaults() throws {
        let config = try GatehouseConfiguration.load(required.merging(["GATEHOUSE_PORT": "9000"]) { $1 }, requiring: [.database, .redis])
        #expect(config.host == "127.0.0.1")
        #expect(config.issuer == "http://127.0.0.1:9000")
        #expect(config.argon2MemoryKiB == 19456 && config.argon2Iterations == 2 && config.argon2Parallelism == 1)
        #expect(config.providerSettings.accessTokenLifetime == .seconds(900))
        #expect(config.providerSettings.sessionLifetime == .seconds(12 * 3600))
        #expect(config.keysDirectory == "keys")
    }

    @Test("missing database and Redis settings are named")
    func missing() {
        let found = problems([:])
        #expect(found.contains { $0.hasPrefix("GATEHOUSE_DATABASE_URL") })
        #expect(found.contains { $0.hasPrefix("GATEHOUSE_REDIS_URL") })
    }

    @Test("wrong values are each reported with their variable", arguments: [
        ("GATEHOUSE_PORT", "http"), ("GATEHOUSE_PORT", "70000"), ("GATEHOUSE_ISSUER", "https://id.example/path"),
        ("GATEHOUSE_ISSUER", "https://id.example/"), ("GATEHOUSE_ISSUER", "ftp://id.example"), ("GATEHOUSE_REDIS_URL", "rediss://r:6380"),
        ("GATEHOUSE_ARGON2_MEMORY_KIB", "lots"), ("GATEHOUSE_DEV_MODE", "maybe"), ("GATEHOUSE_LOG_LEVEL", "loud"),
    ])
    func wrong(name: String, value: String) {
        let found = problems(required.merging([name: value]) { $1 })
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(name) == true, "\(found)")
    }

    @Test("development mode is refused with an https or non-loopback issuer (DESIGN.md)")
    func developmentModeNeedsLoopback() {
        for issuer in ["https://127.0.0.1:8080", "http://id.example.com"] {
            let found = problems(required.merging(["GATEHOUSE_DEV_MODE": "1", "GATEHOUSE_ISSUER": issuer]) { $1 })
            #expect(found.contains { $0.hasPrefix("GATEHOUSE_DEV_MODE") }, "\(issuer)")
        }
        #expect(problems(required.merging(["GATEHOUSE_DEV_MODE": "1"]) { $1 }).isEmpty)
    }

    @Test("password policy: NIST/ASVS defaults, each GATEHOUSE_PASSWORD_* setting, bounds and min ≤ max")
    func passwordPolicy() throws {
        let defaults = try GatehouseConfiguration.load(required, requiring: [.database, .redis]).passwordPolicy.settings
        #expect(defaults.minimumLength == 12 && defaults.maximumLength == 128 && defaults.historyCount == 5)
        #expect(!defaults.requireUppercase && !defaults.requireLowercase && !defaults.requireDigit && !defaults.requireSymbol)
        #expect(defaults.maximumAgeDays == nil)
        #expect(defaults.serviceNames == ["gatehouse"], "an IP issuer adds no name")

        let set = try GatehouseConfiguration.load(required.merging([
            "GATEHOUSE_PASSWORD_MIN_LENGTH": "8", "GATEHOUSE_PASSWORD_MAX_LENGTH": "64",
            "GATEHOUSE_PASSWORD_REQUIRE_UPPERCASE": "1", "GATEHOUSE_PASSWORD_REQUIRE_LOWERCASE": "1",
            "GATEHOUSE_PASSWORD_REQUIRE_DIGIT": "1", "GATEHOUSE_PASSWORD_REQUIRE_SYMBOL": "1",
            "GATEHOUSE_PASSWORD_HISTORY": "0", "GATEHOUSE_PASSWORD_MAX_AGE_DAYS": "90",
            "GATEHOUSE_ISSUER": "https://id.acme-corp.com",
        ]) { $1 }, requiring: [.database, .redis]).passwordPolicy.settings
        #expect(set.minimumLength == 8 && set.maximumLength == 64 && set.historyCount == 0 && set.maximumAgeDays == 90)
        #expect(set.requireUppercase && set.requireLowercase && set.requireDigit && set.requireSymbol)
        #expect(set.serviceNames == ["gatehouse", "id.acme-corp.com", "acme-corp"])
        let config = try GatehouseConfiguration.load(required, requiring: [.database, .redis])
        #expect(config.passwordPolicy(serviceName: "Acme Login").settings.serviceNames == ["gatehouse", "Acme Login"])
        #expect(config.passwordPolicy(serviceName: "Gatehouse").settings.serviceNames == ["gatehouse"])

        for (name, value) in [("GATEHOUSE_PASSWORD_MIN_LENGTH", "7"), ("GATEHOUSE_PASSWORD_MAX_LENGTH", "63"),
                              ("GATEHOUSE_PASSWORD_HISTORY", "-1"), ("GATEHOUSE_PASSWORD_MAX_AGE_DAYS", "soon"),
                              ("GATEHOUSE_PASSWORD_REQUIRE_SYMBOL", "maybe")] {
            let found = problems(required.merging([name: value]) { $1 })
            #expect(found.count == 1 && found.first?.hasPrefix(name) == true, "\(name)=\(value): \(found)")
        }
        let inverted = problems(required.merging(["GATEHOUSE_PASSWORD_MIN_LENGTH": "100", "GATEHOUSE_PASSWORD_MAX_LENGTH": "64"]) { $1 })
        #expect(inverted == ["GATEHOUSE_PASSWORD_MIN_LENGTH=100 must not exceed GATEHOUSE_PASSWORD_MAX_LENGTH=64"])
    }

    @Test("several problems are reported together")
    func together() {
        #expect(problems(["GATEHOUSE_PORT": "x", "GATEHOUSE_ISSUER": "nope"]).count == 4)
    }
}
