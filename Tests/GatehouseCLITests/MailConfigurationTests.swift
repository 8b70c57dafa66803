import Foundation
@testable import GatehouseCLI
import GatehouseMail
import Testing

/// GATEHOUSE_SMTP_URL / GATEHOUSE_MAIL_FROM / GATEHOUSE_SMTP_CA_FILE (issue 3, item 6).
@Suite("Mail configuration: SMTP in every mode, console in development, none said out loud")
struct MailConfigurationTests {
    let base = ["GATEHOUSE_DATABASE_URL": "postgresql:///gatehouse", "GATEHOUSE_REDIS_URL": "redis://127.0.0.1:6379/0"]

    func load(_ extra: [String: String]) throws(ConfigurationError) -> GatehouseConfiguration {
        try GatehouseConfiguration.load(base.merging(extra) { $1 }, requiring: [.database, .redis, .mail])
    }

    func problems(_ extra: [String: String]) -> [String] {
        do {
            _ = try load(extra)
            return []
        } catch {
            return error.problems
        }
    }

    func mode(_ extra: [String: String]) throws -> MailMode {
        try load(extra).mailMode().get()
    }

    @Test("outside development mode a missing GATEHOUSE_SMTP_URL stops serve, saying to set it or say none")
    func missingOutsideDevelopment() {
        let found = problems([:])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("GATEHOUSE_SMTP_URL is not set") == true)
        #expect(found.first?.contains("GATEHOUSE_SMTP_URL=none") == true)
        // Commands that send no mail do not ask for it.
        #expect((try? GatehouseConfiguration.load(base, requiring: [.database, .redis])) != nil)
    }

    @Test("development mode without SMTP prints mail and lists it at /dev/mailbox")
    func developmentConsole() throws {
        guard case .developmentConsole = try mode(["GATEHOUSE_DEV_MODE": "1"]) else {
            Issue.record("expected the development console")
            return
        }
    }

    @Test("none turns mail off in every mode")
    func none() throws {
        for extra in [["GATEHOUSE_SMTP_URL": "none"], ["GATEHOUSE_SMTP_URL": "NONE", "GATEHOUSE_DEV_MODE": "1"]] {
            let mode = try mode(extra)
            #expect(!mode.isEnabled)
        }
    }

    @Test("a set GATEHOUSE_SMTP_URL is used in every mode, also development")
    func smtpEverywhere() throws {
        for developmentMode in ["0", "1"] {
            let mode = try mode(["GATEHOUSE_SMTP_URL": "smtps://mailer:pw@mail.example.com", "GATEHOUSE_MAIL_FROM": "Gatehouse <no-reply@example.com>",
                                 "GATEHOUSE_DEV_MODE": developmentMode])
            guard case .smtp(let endpoint, let from, let caFile) = mode else {
                Issue.record("expected SMTP with GATEHOUSE_DEV_MODE=\(developmentMode)")
                continue
            }
            #expect(endpoint.security == .implicitTLS && endpoint.host == "mail.example.com" && endpoint.port == 465)
            #expect(from.address == "no-reply@example.com" && from.displayName == "Gatehouse")
            #expect(caFile == nil)
            #expect(!mode.summary.contains("pw"), "the password is redacted: \(mode.summary)")
        }
    }

    @Test("SMTP needs GATEHOUSE_MAIL_FROM; a bad URL, sender or CA file is named without echoing the password")
    func badSettings() {
        #expect(problems(["GATEHOUSE_SMTP_URL": "smtp://mail.example.com:587"]).first?.hasPrefix("GATEHOUSE_MAIL_FROM is not set") == true)
        let found = problems(["GATEHOUSE_SMTP_URL": "http://user:hunter2@mail.example.com", "GATEHOUSE_MAIL_FROM": "not an address",
                              "GATEHOUSE_SMTP_CA_FILE": "/nonexistent/ca.pem"])
        #expect(found.count == 3, "\(found)")
        #expect(found.contains { $0.hasPrefix("GATEHOUSE_SMTP_URL") })
        #expect(found.contains { $0.hasPrefix("GATEHOUSE_MAIL_FROM=not an address") })
        #expect(found.contains { $0.hasPrefix("GATEHOUSE_SMTP_CA_FILE=/nonexistent/ca.pem") })
        #expect(!found.joined().contains("hunter2"))
    }
}
