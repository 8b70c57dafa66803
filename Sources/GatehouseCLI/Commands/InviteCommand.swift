import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse invite create (or send)|list|revoke|resend`: invitations, through `Invitations`, as the
/// operator at the server's shell. A new link is printed once (its token is stored only as a
/// digest) and mailed through the outbox when mail is configured.
struct InviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invite", abstract: "Invitations.",
                                                    subcommands: [Create.self, List.self, Revoke.self, Resend.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite someone to a role; prints the link once (and mails it when mail is configured).",
            discussion: """
                site_admin and operator are platform roles (no --organization). client_user needs \
                --organization; client_admin needs --organization or --new-organization (created, pending, at once).
                """,
            aliases: ["send"])
        @Option(help: "The address to invite.") var email: String
        @Option(help: "site_admin, operator, client_admin or client_user.") var role: String
        @Option(help: "The organization (id or slug) for client_admin or client_user.") var organization: String?
        @Option(name: .customLong("new-organization"), help: "A new organization's name, for a client_admin.") var newOrganization: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard organization == nil || newOrganization == nil else {
                throw ValidationError("give --organization or --new-organization, not both")
            }
        }

        func run() async throws {
            let role = Role(rawValue: role)!
            let (issued, organization, outcome, link) = try await withOrganizationServices { services in
                let place: Invitations.Place
                var organization: Organization?
                if let reference = self.organization {
                    let found = try await services.organization(reference)
                    organization = found
                    place = .organization(found.id)
                } else if let name = newOrganization {
                    place = .newOrganization(name: name)
                } else {
                    place = .platform
                }
                let issued = try await services.invitations.invite(email: email, role: role, place: place, by: services.principal)
                return (issued, issued.organization ?? organization, services.outcome(issued),
                        InvitationLink.url(issuer: services.issuer, token: issued.token))
            }
            try InviteOutput.print(issued, organization: organization, link: link, outcome: outcome, json: json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List invitations, newest first, with their state.")
        @Option(help: "Only this organization's (id or slug).") var organization: String?
        @Option(help: "At most this many (1-500).") var limit = 100
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let (invitations, now) = try await withOrganizationServices { services in
                var organizationID: UUID?
                if let organization { organizationID = try await services.organization(organization).id }
                let listed = try await services.invitations.list(organizationID: organizationID, by: services.principal, before: nil,
                                                                 limit: min(max(limit, 1), 500))
                return (listed, Date())
            }
            let records = invitations.map { OrganizationOutput.InvitationRecord($0, at: now) }
            if json {
                try printJSON(records)
            } else {
                print(records.isEmpty ? "no invitations" : records.map(\.line).joined(separator: "\n"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a pending invitation: its link stops working.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The invitation's id (gatehouse invite list).", valueName: "id"))
        var id: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try InviteOutput.invitationID(self.id)
            let revoked = try await withOrganizationServices { services in
                try await services.invitations.revoke(id: id, by: services.principal)
            }
            let record = OrganizationOutput.InvitationRecord(revoked, at: Date())
            if json { try printJSON(record) } else { print("revoked the invitation of \(revoked.email) (\(record.id))") }
        }
    }

    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A new link for a pending invitation (the old one stops working); printed once, mailed when mail is configured.")
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The invitation's id (gatehouse invite list).", valueName: "id"))
        var id: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try InviteOutput.invitationID(self.id)
            let (issued, organization, outcome, link) = try await withOrganizationServices { services in
                let issued = try await services.invitations.resend(id: id, by: services.principal)
                return (issued, issued.organization, services.outcome(issued), InvitationLink.url(issuer: services.issuer, token: issued.token))
            }
            try InviteOutput.print(issued, organization: organization, link: link, outcome: outcome, json: json)
        }
    }
}

/// How the invite commands print a new invitation.
enum InviteOutput {
    static func invitationID(_ values: [String]) throws -> UUID {
        let text = try IdentifierArgument.single(values, naming: "invitation id")
        guard let id = UUID(uuidString: text) else { throw ValidationError("\(text) is not an invitation id (gatehouse invite list)") }
        return id
    }

    static func print(_ issued: Invitations.Issued, organization: Organization?, link: String,
                      outcome: OrganizationServices.MailOutcome, json: Bool) throws {
        let record = OrganizationOutput.InvitationRecord(issued.invitation, at: issued.invitation.createdAt, link: link,
                                                         mailed: outcome.mailed)
        if json {
            try printJSON(record)
            return
        }
        let place = organization.map { " in \($0.name) (\($0.slug)\($0.status == .pending ? ", pending" : ""))" } ?? ""
        Swift.print("""
            invited \(issued.invitation.email) as \(issued.invitation.role.rawValue)\(place); invitation \(record.id)
            link (shown once, works until \(record.expiresAt ?? "")):
              \(link)
            \(outcome.note)
            """)
    }
}
