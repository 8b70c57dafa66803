import Foundation

/// Invitations from a file (issue 11 item 4): each row becomes an invitation through
/// `Invitations.invite` — the same rules (`RoleRules`, an address that is already a member or
/// already invited) and the same mail as one sent by hand.
///
/// Columns: `email` and `role` (required), `organization` (a slug or an id; required for
/// `client_admin` and `client_user`, absent for a platform role) and `name` (checked by the
/// account name's rule; an invitation carries no name, so it is only read: the invited person
/// gives their name when they accept).
///
/// A dry run asks the same questions as `invite` in the same order, without storing or mailing.
public struct InvitationImport: Sendable {
    let invitations: Invitations

    public init(invitations: Invitations) {
        self.invitations = invitations
    }

    struct Entry {
        var email: String
        var role: Role
        var organization: String?
    }

    static func entry(_ fields: [String: String]) throws(ImportRowRefusal) -> Entry {
        let row = ImportFields(fields: fields)
        let email = try row.email()
        _ = try row.name()
        guard let role = try row.role(required: true) else { throw ImportRowRefusal("role is missing") }
        let organization = try row.optional("organization", maximumLength: 100)
        return Entry(email: email, role: role, organization: organization)
    }

    public func apply(_ row: ImportFile.Row, dryRun: Bool, by principal: Principal) async throws -> ImportRowResult {
        if let problem = row.problem { return .skipped(row.line, nil, "The row \(problem).") }
        let entry: Entry
        do {
            entry = try Self.entry(row.fields)
        } catch {
            let email = row.fields["email"].map(User.normalizedEmail).flatMap { EmailAddress.isPlausible($0) ? $0 : nil }
            return .skipped(row.line, email, error.text + ".")
        }
        var place = Invitations.Place.platform
        if let reference = entry.organization {
            guard let organization = try await ImportOrganizations.find(reference, in: invitations.organizations) else {
                return .skipped(row.line, entry.email, "No organization is named \(reference.prefix(40)).")
            }
            place = .organization(organization.id)
        }
        do {
            if dryRun {
                try await check(entry, place: place, by: principal)
            } else {
                _ = try await invitations.invite(email: entry.email, role: entry.role, place: place, by: principal)
            }
        } catch let refusal as Invitations.Refusal {
            return .skipped(row.line, entry.email, Self.words(refusal, role: entry.role))
        }
        return ImportRowResult(line: row.line, outcome: .created, subject: entry.email)
    }

    /// `Invitations.invite`'s questions for an existing place, without its effects.
    func check(_ entry: Entry, place: Invitations.Place, by principal: Principal) async throws {
        var organizationID: UUID?
        switch place {
        case .platform:
            guard entry.role.isPlatformRole else { throw Invitations.Refusal.placeDoesNotFitRole }
        case .organization(let id):
            guard !entry.role.isPlatformRole else { throw Invitations.Refusal.placeDoesNotFitRole }
            organizationID = id
        case .newOrganization:
            throw Invitations.Refusal.placeDoesNotFitRole
        }
        try invitations.check(principal, may: .invite, entry.role, in: organizationID)
        if let existing = try await invitations.users.find(email: entry.email),
           try await invitations.holds(existing.id, entry.role, in: organizationID) {
            throw Invitations.Refusal.alreadyMember
        }
        if try await invitations.invitations.pending(email: entry.email, organizationID: organizationID) != nil {
            throw Invitations.Refusal.alreadyInvited
        }
    }

    /// A refusal in a sentence for the result list.
    static func words(_ refusal: Invitations.Refusal, role: Role) -> String {
        switch refusal {
        case .invalidEmail: "email is not a valid address."
        case .invalidOrganizationName: "organization is not a valid name."
        case .placeDoesNotFitRole:
            role.isPlatformRole ? "The role \(role.rawValue) is held without an organization; leave organization empty."
                : "The role \(role.rawValue) needs an organization."
        case .notFound: "No organization by that name is yours to invite to."
        case .notPermitted: "You may not invite someone as \(role.rawValue) there."
        case .permissionNotHeld(let permission): "You may not invite someone as \(role.rawValue) there: you lack the permission \(permission)."
        case .alreadyMember: "The address already holds this role there."
        case .alreadyInvited: "The address already has a pending invitation there."
        case .notPending, .otherAddress: "The invitation could not be sent."
        }
    }
}
