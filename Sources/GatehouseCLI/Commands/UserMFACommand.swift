import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse user mfa …`: an operator's tools for second factors. `totp` enrols an
/// authenticator secret for a user (confirmed at once: the operator hands the secret over out
/// of band); `reset` removes every factor and recovery code, for someone who lost both.
extension UserCommand {
    struct MFA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mfa", abstract: "Manage a user's two-step verification.", subcommands: [TOTP.self, Reset.self])
    }
}

extension UserCommand.MFA {
    struct TOTP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Enrol an authenticator app for a user; prints the secret (base32) and its otpauth:// URI once.",
            discussion: "Replaces any authenticator the user had. The secret is stored sealed under GATEHOUSE_ENCRYPTION_KEY.")
        @Option(help: "The user's email.") var email: String
        @Flag(help: "Print JSON: {\"secret\": …, \"otpauth_uri\": …}.") var json = false

        struct Output: Encodable {
            let secret: String
            let otpauthURI: String
            enum CodingKeys: String, CodingKey { case secret, otpauthURI = "otpauth_uri" }
        }

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database, .encryption])
            let auditKey = try loadAuditKeySource(config)
            let output = try await withBackends(config) { backends in
                let user = try await findUser(email, backends)
                let factor = TOTPFactor(credentials: backends.mfaCredentials, sealer: try backends.secretSealer(),
                                        crypto: backends.crypto, clock: backends.clock)
                let secret = try await factor.enrolConfirmed(userID: user.id)
                try await backends.auditLog(auditKey).record(AuditEvent(
                    type: .mfaEnrolled, occurredAt: backends.clock.now, actor: "operator", subject: user.id,
                    details: ["method": "totp", "action": "user mfa totp"]))
                let issuer = (try? AccountConfiguration.load())?.serviceName ?? AccountSettings().serviceName
                return Output(secret: Base32.encode(secret), otpauthURI: OTPAuthURI.totp(secret: secret, issuer: issuer, account: user.email))
            }
            if json {
                try printJSON(output)
            } else {
                print("secret:       \(Base32.grouped(output.secret))")
                print("otpauth URI:  \(output.otpauthURI)")
                print("              (shown once: give it to the user over a safe channel)")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every second factor and recovery code of a user (they sign in with the password, then enrol again).")
        @Option(help: "The user's email.") var email: String

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            let auditKey = try loadAuditKeySource(config)
            let user = try await withBackends(config) { backends in
                let user = try await findUser(email, backends)
                try await backends.mfaCredentials.removeAll(userID: user.id)
                try await backends.recoveryCodes.removeAll(userID: user.id)
                try await backends.auditLog(auditKey).record(AuditEvent(
                    type: .mfaRemoved, occurredAt: backends.clock.now, actor: "operator", subject: user.id,
                    details: ["method": "all", "action": "user mfa reset"]))
                return user
            }
            print("removed every second factor and recovery code of \(user.email)")
        }
    }
}

/// The user with this email, or a clear message for the operator.
private func findUser(_ email: String, _ backends: Backends) async throws -> User {
    guard let user = try await backends.users.find(email: User.normalizedEmail(email)) else {
        throw ValidationError("no user with email \(User.normalizedEmail(email))")
    }
    return user
}
