import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse org create|list|show|rename|second-factor|members|set-role|remove-member`: organizations and
/// their members, through `OrganizationAdministration`, as the operator at the server's shell.
struct OrganizationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Organizations and their members.",
        subcommands: [Create.self, List.self, Show.self, Rename.self, SecondFactor.self, Members.self, SetRole.self, RemoveMember.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organizations by name.")
        @Option(help: "Only names containing this (ignoring case).") var search: String?
        @Option(help: "Start after this organization (id or slug): the next page.") var after: String?
        @Option(help: "At most this many (1-\(OrganizationAdministration.maximumPageSize)).") var limit = 100
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let organizations = try await withOrganizationServices { services in
                var cursor: OrganizationCursor?
                if let after { cursor = OrganizationCursor(after: try await services.organization(after)) }
                return try await services.administration.list(matching: search, after: cursor, limit: limit, by: services.principal)
            }
            let records = organizations.map(OrganizationOutput.OrganizationRecord.init)
            if json {
                try printJSON(records)
            } else {
                print(records.isEmpty ? "no organizations" : records.map(\.line).joined(separator: "\n"))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an organization and its first members.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The organization's id or slug.", valueName: "organization"))
        var organization: [String] = []
        @Option(help: "Members listed at most (1-\(OrganizationAdministration.maximumPageSize)).") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        struct Output: Encodable {
            let organization: OrganizationOutput.OrganizationRecord
            let members: [OrganizationOutput.MemberRecord]
        }

        func run() async throws {
            let reference = try IdentifierArgument.single(organization, naming: "organization id or slug")
            let (found, members) = try await withOrganizationServices { services in
                let found = try await services.organization(reference)
                return (found, try await services.administration.members(of: found.id, after: nil, limit: limit, by: services.principal))
            }
            let output = Output(organization: .init(found), members: members.map(OrganizationOutput.MemberRecord.init))
            if json {
                try printJSON(output)
                return
            }
            print("""
                \(found.name)
                  id:             \(output.organization.id)
                  slug:           \(found.slug)
                  status:         \(found.status.rawValue)
                  second factor:  \(OrganizationAdministration.text(found.secondFactor))
                  members:        \(members.isEmpty ? "none yet" : "\(members.count)\(members.count == limit ? " or more" : "")")
                """ + output.members.map { "\n    " + $0.line }.joined())
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization (pending until its first member accepts an invitation).")
        @Option(help: "Its name (1-200 characters).") var name: String
        @Option(help: "Its slug (default: made from the name, with a number added when taken).") var slug: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let created = try await withOrganizationServices { services in
                try await services.administration.create(name: name, slug: slug, by: services.principal)
            }
            let record = OrganizationOutput.OrganizationRecord(created)
            if json {
                try printJSON(record)
            } else {
                print("created organization \(created.slug) (\(record.id)); invite its first client_admin with "
                      + "gatehouse invite create --email E --role client_admin --organization \(created.slug)")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an organization a new name (its slug stays: links name it).")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The organization's id or slug.", valueName: "organization"))
        var organization: [String] = []
        @Option(help: "The new name (1-200 characters).") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let reference = try IdentifierArgument.single(organization, naming: "organization id or slug")
            let renamed = try await withOrganizationServices { services in
                try await services.administration.rename(try await services.organization(reference).id, to: name, by: services.principal)
            }
            let record = OrganizationOutput.OrganizationRecord(renamed)
            if json { try printJSON(record) } else { print("renamed organization \(renamed.slug) to \(renamed.name)") }
        }
    }

    struct SecondFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "second-factor", abstract: "Set an organization's second-factor policy for its members' sign-ins.",
            discussion: """
                off: the organization asks for none; optional: members may enrol one, and prove it when they have it; \
                required: every member proves one of the --method's (totp, email; both when none is given), and \
                members without one enrol at their next sign-in to it.
                """)
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The organization's id or slug, then off, optional or required.",
                                                                valueName: "organization policy"))
        var arguments: [String] = []
        @Option(name: .customLong("method"), help: "With required: an allowed method, totp or email (repeatable).") var methods: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func policy(_ text: String) throws -> SecondFactorPolicy {
            let allowed = try methods.map { name in
                guard let method = SecondFactorMethod(rawValue: name) else { throw ValidationError("--method must be totp or email") }
                return method
            }
            switch text {
            case "off", "optional":
                guard allowed.isEmpty else { throw ValidationError("--method goes with required only") }
                return text == "off" ? .off : .optional
            case "required": return .required(allowed.isEmpty ? Set(SecondFactorMethod.allCases) : Set(allowed))
            default: throw ValidationError("the policy must be off, optional or required")
            }
        }

        func run() async throws {
            let values = arguments.filter { $0 != "--" }
            guard values.count == 2 else { throw ValidationError("give the organization, then off, optional or required") }
            let policy = try policy(values[1])
            let updated = try await withOrganizationServices { services in
                try await services.administration.setSecondFactorPolicy(try await services.organization(values[0]).id, to: policy,
                                                                        by: services.principal)
            }
            if json {
                try printJSON(OrganizationOutput.OrganizationRecord(updated))
            } else {
                print("\(updated.slug): second factor \(OrganizationAdministration.text(updated.secondFactor))")
            }
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's members by when they joined.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The organization's id or slug.", valueName: "organization"))
        var organization: [String] = []
        @Option(help: "Start after this member (user id or email): the next page.") var after: String?
        @Option(help: "At most this many (1-\(OrganizationAdministration.maximumPageSize)).") var limit = 100
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let reference = try IdentifierArgument.single(organization, naming: "organization id or slug")
            let members = try await withOrganizationServices { services in
                let found = try await services.organization(reference)
                var cursor: MembershipCursor?
                if let after {
                    let user = try await services.user(after)
                    guard let membership = try await services.backends.memberships.membership(organizationID: found.id, userID: user.id) else {
                        throw OperatorError("\(user.email) is not a member of \(found.slug)")
                    }
                    cursor = MembershipCursor(after: membership)
                }
                return try await services.administration.members(of: found.id, after: cursor, limit: limit, by: services.principal)
            }
            let records = members.map(OrganizationOutput.MemberRecord.init)
            if json {
                try printJSON(records)
            } else {
                print(records.isEmpty ? "no members" : records.map(\.line).joined(separator: "\n"))
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Change a member's role there (client_admin or client_user), as the role rules allow.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The organization's id or slug.", valueName: "organization"))
        var organization: [String] = []
        @Option(help: "The member: user id or email.") var user: String
        @Option(help: "client_admin or client_user.") var role: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let reference = try IdentifierArgument.single(organization, naming: "organization id or slug")
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be client_admin or client_user") }
            let (found, member) = try await withOrganizationServices { services in
                let found = try await services.organization(reference), account = try await services.user(user)
                let membership = try await services.administration.changeMemberRole(of: account.id, in: found.id, to: role, by: services.principal)
                return (found, OrganizationOutput.MemberRecord(membership, email: account.email, name: account.name))
            }
            if json { try printJSON(member) } else { print("\(member.email) is \(role.rawValue) in \(found.slug)") }
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Take a member out of an organization, with its custom roles there.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The organization's id or slug.", valueName: "organization"))
        var organization: [String] = []
        @Option(help: "The member: user id or email.") var user: String
        @Flag(help: "Print JSON.") var json = false

        struct Removed: Encodable {
            let organizationID: String
            let userID: String
            let removed = true

            enum CodingKeys: String, CodingKey {
                case removed
                case organizationID = "organization_id"
                case userID = "user_id"
            }
        }

        func run() async throws {
            let reference = try IdentifierArgument.single(organization, naming: "organization id or slug")
            let (found, account) = try await withOrganizationServices { services in
                let found = try await services.organization(reference), account = try await services.user(user)
                try await services.administration.removeMember(account.id, from: found.id, by: services.principal)
                return (found, account)
            }
            if json {
                try printJSON(Removed(organizationID: found.id.uuidString.lowercased(), userID: account.id.uuidString.lowercased()))
            } else {
                print("removed \(account.email) from \(found.slug)")
            }
        }
    }
}
