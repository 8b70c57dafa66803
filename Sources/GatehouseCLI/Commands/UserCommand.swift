import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse user create`: adds an account with an argon2id-hashed password.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self, Unlock.self, MFA.self, Suspend.self, Reactivate.self, Deactivate.self, Erase.self, Export.self, Keys.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints its id.")
        @Option(help: "The email address (unique).") var email: String
        @Option(help: "The password (prefer --password-stdin: arguments show in process lists).") var password: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordFromStandardInput = false
        @Option(help: "The display name.") var name: String?
        @Flag(help: "Mark the email as verified.") var verified = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (password != nil) != passwordFromStandardInput else {
                throw ValidationError("give exactly one of --password or --password-stdin")
            }
            guard email.contains("@"), email.count <= 254 else { throw ValidationError("--email must be an email address") }
        }

        func run() async throws {
            let config = try loadConfiguration(requiring: [.database])
            guard let secret = password ?? readLine(strippingNewline: true), !secret.isEmpty else {
                throw ValidationError("the password is empty")
            }
            // The same rules as the pages: an operator-made password must be as good as a self-chosen one.
            try CommonPasswordsCheck.verify()
            let policy = config.passwordPolicy
            let problems = policy.violations(of: secret, context: PasswordContext(email: email, names: [name].compactMap { $0 }))
            guard problems.isEmpty else {
                throw ValidationError("the password is refused:\n" + problems.map { "  - \($0.message)" }.joined(separator: "\n"))
            }
            let auditKey = try loadAuditKeySource(config)
            let id = try await withBackends(config) { backends in
                let hasher = try backends.makeHasher()
                let hash = try await hasher.hash(PasswordPolicy.normalized(secret))
                try await hasher.shutdown()
                let now = backends.clock.now
                let user = User(id: UUID(), email: User.normalizedEmail(email), emailVerified: verified, name: name,
                                passwordHash: hash, createdAt: now, updatedAt: now)
                do {
                    try await backends.users.create(user)
                } catch StoreError.conflict {
                    throw ValidationError("a user with email \(user.email) exists")
                }
                try await backends.recordOperatorAction("user create", key: auditKey, subject: user.id,
                                                        details: ["email_verified": "\(verified)"])
                return user.id.uuidString.lowercased()
            }
            if json { try printJSON(["id": id]) } else { print("created user \(id)") }
        }
    }
}
