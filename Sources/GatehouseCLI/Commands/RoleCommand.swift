import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse role …`: custom roles (named sets of permissions, global or of one organization),
/// the permissions they are made of, and platform roles, through `CustomRoles` and
/// `OrganizationAdministration`, as the operator at the server's shell.
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Custom roles, permissions and platform roles.",
        subcommands: [Create.self, List.self, Rename.self, SetPermissions.self, Delete.self, Assign.self, Unassign.self,
                      Grant.self, Revoke.self, PermissionCommand.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a custom role: global, or an organization's.")
        @Argument(help: "Its name: a lower-case letter then up to 62 of a-z 0-9 _ . -") var name: String
        @Option(help: "The organization (id or slug) it belongs to; without: a global role.") var organization: String?
        @Option(name: .customLong("permission"), help: "A permission it gives (repeatable; defined with `role permission create`).")
        var permissions: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let role = try await withOrganizationServices { services in
                let organizationID = try await RoleArguments.organizationID(organization, services)
                return try await services.customRoles.createRole(named: name, permissions: Set(permissions), in: organizationID,
                                                                 by: services.principal)
            }
            try RoleArguments.print(role, json: json, saying: "created role")
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a custom role.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The role's id (gatehouse role list).", valueName: "id"))
        var id: [String] = []
        @Option(help: "The new name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try RoleArguments.roleID(self.id)
            let role = try await withOrganizationServices { services in
                try await services.customRoles.updateRole(id, name: name, by: services.principal)
            }
            try RoleArguments.print(role, json: json, saying: "renamed role")
        }
    }

    struct SetPermissions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-permissions", abstract: "Replace the permissions a custom role gives (none: no --permission).")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The role's id (gatehouse role list).", valueName: "id"))
        var id: [String] = []
        @Option(name: .customLong("permission"), help: "A permission it gives from now on (repeatable).") var permissions: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try RoleArguments.roleID(self.id)
            let role = try await withOrganizationServices { services in
                try await services.customRoles.updateRole(id, permissions: Set(permissions), by: services.principal)
            }
            try RoleArguments.print(role, json: json, saying: "updated role")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a custom role; one assigned to anyone only with --force.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The role's id (gatehouse role list).", valueName: "id"))
        var id: [String] = []
        @Flag(help: "Delete it even when assigned: it is taken from everyone who holds it.") var force = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try RoleArguments.roleID(self.id)
            try await withOrganizationServices { services in
                try await services.customRoles.deleteRole(id, force: force, by: services.principal)
            }
            if json {
                try printJSON(OrganizationOutput.DeletionRecord(deleted: "role", id: id.uuidString.lowercased(), force: force))
            } else {
                print("deleted role \(id.uuidString.lowercased())")
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user a custom role (an organization's role: to a member of it).")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The role's id (gatehouse role list).", valueName: "id"))
        var id: [String] = []
        @Option(help: "The user: id or email.") var user: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try RoleArguments.roleID(self.id)
            let (role, account) = try await withOrganizationServices { services in
                let account = try await services.user(user)
                try await services.customRoles.assign(id, to: account.id, by: services.principal)
                return (try await services.customRoles.role(id, by: services.principal), account)
            }
            if json {
                try printJSON(RoleArguments.change("assigned", role, account))
            } else {
                print("assigned role \(role.name) (\(id.uuidString.lowercased())) to \(account.email)")
            }
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a custom role from a user.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The role's id (gatehouse role list).", valueName: "id"))
        var id: [String] = []
        @Option(help: "The user: id or email.") var user: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try RoleArguments.roleID(self.id)
            let (role, account) = try await withOrganizationServices { services in
                let account = try await services.user(user)
                try await services.customRoles.unassign(id, from: account.id, by: services.principal)
                return (try await services.customRoles.role(id, by: services.principal), account)
            }
            if json {
                try printJSON(RoleArguments.change("unassigned", role, account))
            } else {
                print("took role \(role.name) (\(id.uuidString.lowercased())) from \(account.email)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the global custom roles, or an organization's.")
        @Option(help: "The organization (id or slug); without: the global roles.") var organization: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let roles = try await withOrganizationServices { services in
                let organizationID = try await RoleArguments.organizationID(organization, services)
                return try await services.customRoles.list(in: organizationID, by: services.principal)
            }
            let records = roles.map(OrganizationOutput.RoleRecord.init)
            if json {
                try printJSON(records)
            } else {
                print(records.isEmpty ? "no roles" : records.map(\.line).joined(separator: "\n"))
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a platform role (site_admin or operator) in place of any they hold.")
        @Argument(help: "site_admin or operator.") var role: String
        @Option(help: "The user: id or email.") var user: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("the role must be site_admin or operator") }
            let account = try await withOrganizationServices { services in
                let account = try await services.user(user)
                try await services.administration.grantPlatformRole(role, to: account.id, by: services.principal)
                return account
            }
            if json {
                try printJSON(OrganizationOutput.RoleChangeRecord(action: "granted", role: role.rawValue, roleID: nil,
                                                                  userID: account.id.uuidString.lowercased(), email: account.email))
            } else {
                print("\(account.email) is \(role.rawValue)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a user's platform role away (never the last super_admin's).")
        @Option(help: "The user: id or email.") var user: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (account, previous) = try await withOrganizationServices { services in
                let account = try await services.user(user)
                let previous = try await services.backends.memberships.platformRole(userID: account.id)
                try await services.administration.revokePlatformRole(of: account.id, by: services.principal)
                return (account, previous)
            }
            if json {
                try printJSON(OrganizationOutput.RoleChangeRecord(action: "revoked", role: previous?.rawValue ?? "", roleID: nil,
                                                                  userID: account.id.uuidString.lowercased(), email: account.email))
            } else {
                print("\(account.email) holds no platform role now")
            }
        }
    }
}

/// `gatehouse role permission create|delete|list`: the permission strings custom roles are made of.
struct PermissionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "permission", abstract: "Permissions custom roles give.",
                                                    subcommands: [Create.self, Delete.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a permission (reports:read, billing:manage).")
        @Argument(help: "`name` or `resource:action`, each a lower-case letter then up to 62 of a-z 0-9 _ . -") var name: String
        @Option(help: "What it allows, for people choosing roles.") var description = ""
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let permission = try await withOrganizationServices { services in
                try await services.customRoles.definePermission(name, description: description, by: services.principal)
            }
            if json { try printJSON(OrganizationOutput.PermissionRecord(permission)) } else { print("created permission \(name)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a permission: it is taken out of every role that gives it.")
        @Argument(help: "The permission.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await withOrganizationServices { services in
                try await services.customRoles.deletePermission(name, by: services.principal)
            }
            if json {
                try printJSON(OrganizationOutput.DeletionRecord(deleted: "permission", id: name, force: nil))
            } else {
                print("deleted permission \(name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the permissions by name.")
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let permissions = try await withOrganizationServices { services in
                try await services.customRoles.permissions(by: services.principal)
            }
            let records = permissions.map(OrganizationOutput.PermissionRecord.init)
            if json {
                try printJSON(records)
            } else {
                print(records.isEmpty ? "no permissions" : records.map(\.line).joined(separator: "\n"))
            }
        }
    }
}

/// What the role commands share: reading ids and printing a role.
enum RoleArguments {
    static func roleID(_ values: [String]) throws -> UUID {
        let text = try IdentifierArgument.single(values, naming: "role id")
        guard let id = UUID(uuidString: text) else { throw ValidationError("\(text) is not a role id (gatehouse role list)") }
        return id
    }

    static func organizationID(_ reference: String?, _ services: OrganizationServices) async throws -> UUID? {
        guard let reference else { return nil }
        return try await services.organization(reference).id
    }

    static func change(_ action: String, _ role: CustomRole, _ account: User) -> OrganizationOutput.RoleChangeRecord {
        OrganizationOutput.RoleChangeRecord(action: action, role: role.name, roleID: role.id.uuidString.lowercased(),
                                            userID: account.id.uuidString.lowercased(), email: account.email)
    }

    static func print(_ role: CustomRole, json: Bool, saying verb: String) throws {
        let record = OrganizationOutput.RoleRecord(role)
        if json { try printJSON(record) } else { Swift.print("\(verb) \(record.line)") }
    }
}
