import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse user unlock`: lifts the brute-force lockout of an email (its password and its
/// emailed codes) and, when it has an account, of that account's second factors and codes — for
/// the owner who calls the help desk instead of waiting out `GATEHOUSE_LOCKOUT_DURATION`. Recorded in the audit trail.
extension UserCommand {
    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift the sign-in lockout of an email and its account's second factors, and forget their failures.")
        @Option(help: "The email whose lockout ends.") var email: String

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database, .redis])
            let auditKey = try loadAuditKeySource(config)
            let protection: ProtectionConfiguration.Loaded
            do {
                protection = try ProtectionConfiguration.load()
            } catch {
                throw ValidationError(error.description)
            }
            let normalized = User.normalizedEmail(email)
            let user = try await withBackends(config, needsRedis: true) { backends in
                let dependencies = backends.protection(protection)
                let limiter = AttemptLimiter(counter: dependencies.counter, lockouts: dependencies.lockouts,
                                             settings: dependencies.settings, crypto: backends.crypto, clock: backends.clock,
                                             observer: LockoutObservers([]))
                // The email's password count is lifted whether or not it has an account: locks
                // are per email precisely so that they say nothing about who has one.
                try await limiter.lift(.password(email: normalized))
                try await limiter.lift(.emailCode(email: normalized))
                let user = try await backends.users.find(email: normalized)
                if let user {
                    try await limiter.lift(.secondFactor(userID: user.id))
                    try await limiter.lift(.emailCode(userID: user.id))
                }
                try await backends.auditLog(auditKey).record(AuditEvent(
                    type: .accountUnlocked, occurredAt: backends.clock.now, actor: "operator", subject: user?.id,
                    details: ["action": "user unlock"]))
                return user
            }
            if user != nil {
                print("unlocked \(normalized): password and second factors")
            } else {
                print("unlocked the password attempts of \(normalized) (no account has this email)")
            }
        }
    }
}
