import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse admin bootstrap`: the first `super_admin`, through `PlatformBootstrap`. Refused
/// once anyone holds that role; from then on people get roles by invitation.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "The platform's first administrator.",
                                                    subcommands: [Bootstrap.self])

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the first super_admin: with a password from standard input, or else print an invitation link once.",
            discussion: """
                Without --password-stdin the address gets a super_admin invitation: its link is printed once (and \
                mailed when mail is configured); an account with that address accepts it by signing in. Running \
                bootstrap again for the same address replaces the link. Refused when a super_admin exists.
                """)
        @Option(help: "The administrator's email address.") var email: String
        @Flag(name: .customLong("password-stdin"), help: "Create the account with the password on the first line of standard input.")
        var passwordFromStandardInput = false
        @Option(help: "The display name (with --password-stdin).") var name: String?
        @Flag(help: "Print JSON.") var json = false

        struct Created: Encodable {
            let userID: String
            let email: String
            let role = Role.superAdmin.rawValue

            enum CodingKeys: String, CodingKey {
                case email, role
                case userID = "user_id"
            }
        }

        func run() async throws {
            if passwordFromStandardInput {
                try await createWithPassword()
            } else {
                try await invite()
            }
        }

        func createWithPassword() async throws {
            let config = try loadConfiguration(requiring: [.database])
            guard let secret = readLine(strippingNewline: true), !secret.isEmpty else { throw ValidationError("the password is empty") }
            // The same rules as the pages: the most powerful account's password is no exception.
            try CommonPasswordsCheck.verify()
            let problems = config.passwordPolicy.violations(of: secret, context: PasswordContext(email: email, names: [name].compactMap { $0 }))
            guard problems.isEmpty else {
                throw ValidationError("the password is refused:\n" + problems.map { "  - \($0.message)" }.joined(separator: "\n"))
            }
            let user = try await withOrganizationServices { services in
                // Refused before the password costs argon2 work; createSuperAdmin checks again, atomically.
                try await services.bootstrap.checkOpen(forNewAccount: email)
                let hasher = try services.backends.makeHasher()
                let hash = try await hasher.hash(PasswordPolicy.normalized(secret))
                try await hasher.shutdown()
                let now = services.backends.clock.now
                // The operator typed the address: it counts as verified, like an accepted invitation's.
                let user = User(id: UUID(), email: User.normalizedEmail(email), emailVerified: true, name: name, passwordHash: hash,
                                createdAt: now, updatedAt: now)
                try await services.bootstrap.createSuperAdmin(user)
                return user
            }
            let created = Created(userID: user.id.uuidString.lowercased(), email: user.email)
            if json { try printJSON(created) } else { print("created \(user.email) as super_admin (user \(created.userID))") }
        }

        func invite() async throws {
            let (issued, link, outcome) = try await withOrganizationServices { services in
                let issued = try await services.bootstrap.inviteSuperAdmin(email: email)
                let outcome = services.outcome(issued)
                return (issued, InvitationLink.url(issuer: services.issuer, token: issued.token), outcome)
            }
            try InviteOutput.print(issued, organization: nil, link: link, outcome: outcome, json: json)
        }
    }
}
