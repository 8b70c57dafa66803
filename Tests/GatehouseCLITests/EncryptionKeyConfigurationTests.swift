import Foundation
@testable import GatehouseCLI
import Testing

@Suite("GATEHOUSE_ENCRYPTION_KEY and GATEHOUSE_MFA_REQUIRED")
struct EncryptionKeyConfigurationTests {
    let base = ["GATEHOUSE_DATABASE_URL": "postgresql:///gatehouse", "GATEHOUSE_REDIS_URL": "redis://127.0.0.1:6379/0"]
    let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()

    func problems(_ extra: [String: String], requiring: Set<GatehouseConfiguration.Requirement> = [.database, .redis, .encryption]) -> [String] {
        do {
            _ = try GatehouseConfiguration.load(base.merging(extra) { $1 }, requiring: requiring)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("serve refuses a missing key outside development mode, naming the variable")
    func missing() {
        #expect(problems([:]).contains { $0.hasPrefix("GATEHOUSE_ENCRYPTION_KEY is not set") })
        #expect(problems([:], requiring: [.database, .redis]).isEmpty, "commands that seal nothing do not need it")
        #expect(problems(["GATEHOUSE_DEV_MODE": "1"]).isEmpty, "development mode has a key of its own")
    }

    @Test("a short or non-base64 key is refused, even where no key is required")
    func malformed() {
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        #expect(problems(["GATEHOUSE_ENCRYPTION_KEY": short]) ==
                ["GATEHOUSE_ENCRYPTION_KEY must be base64 of exactly 32 bytes, but it decodes to 16 bytes (32 random bytes in base64, e.g. from `openssl rand -base64 32`; every instance needs the same key)"])
        #expect(problems(["GATEHOUSE_ENCRYPTION_KEY": "not base64!"], requiring: [.database]).first?.contains("it is not base64") == true)
    }

    @Test("a valid key is decoded; MFA for everyone sets the provider setting")
    func valid() throws {
        let config = try GatehouseConfiguration.load(base.merging(["GATEHOUSE_ENCRYPTION_KEY": key, "GATEHOUSE_MFA_REQUIRED": "1"]) { $1 },
                                                     requiring: [.database, .redis, .encryption])
        #expect(config.encryptionKey() == (0..<32).map { UInt8($0) })
        #expect(config.providerSettings.requireMFA)
        let plain = try GatehouseConfiguration.load(base.merging(["GATEHOUSE_DEV_MODE": "1"]) { $1 }, requiring: [.encryption])
        #expect(plain.encryptionKey()?.count == 32 && !plain.providerSettings.requireMFA)
    }
}
