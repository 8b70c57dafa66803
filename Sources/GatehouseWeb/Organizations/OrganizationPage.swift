import Foundation
import GatehouseCore
import Hummingbird

/// `/organizations/<slug>` and its forms. Someone with no role there gets the 404 of an unknown
/// organization (ids and slugs of other organizations reveal nothing); a member who does not
/// administer it gets a page saying who does.
struct OrganizationPage {
    let dependencies: OrganizationsModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    static let notices = [
        "invited": "The invitation is on its way.",
        "revoked": "The invitation is revoked: its link no longer works.",
        "resent": "A new link is on its way; the old one no longer works.",
        "saved": "The settings are saved.",
    ]

    /// Members shown at a time.
    static let membersPerPage = 50

    func register(on routes: PageRoutes) {
        routes.accountGet("/organizations/:slug") { page, account in
            let notice = try page.query["done"].flatMap { Self.notices[$0] }
            return try await within(page, account) { organization, principal in
                try await show(page, organization, principal, notice: notice, errors: [])
            }
        }
        routes.accountPost("/organizations/:slug/invitations") { page, account in
            try await within(page, account) { organization, principal in try await invite(page, organization, principal) }
        }
        routes.accountPost("/organizations/:slug/invitations/revoke") { page, account in
            try await within(page, account) { organization, principal in
                try await onInvitation(page, organization, principal) { id in
                    _ = try await dependencies.invitations.revoke(id: id, by: principal)
                    return "revoked"
                }
            }
        }
        routes.accountPost("/organizations/:slug/invitations/resend") { page, account in
            try await within(page, account) { organization, principal in
                try await onInvitation(page, organization, principal) { id in
                    _ = try await dependencies.invitations.resend(id: id, by: principal)
                    return "resent"
                }
            }
        }
        routes.accountPost("/organizations/:slug/settings") { page, account in
            try await within(page, account) { organization, principal in try await saveSettings(page, organization, principal) }
        }
    }

    /// The organization the path names, when the signed-in user administers it; the refusal page otherwise.
    func within(_ page: PageRequest, _ account: SignedInAccount,
                _ body: (Organization, Principal) async throws -> Response) async throws -> Response {
        let principal = try await dependencies.principals.principal(userID: account.user.id)
        let slug = page.context.parameters.get("slug") ?? ""
        do {
            let organization = try await dependencies.administration.organization(slug, by: principal)
            guard principal.roles.role(in: organization.id).map({ $0 >= .clientAdmin }) == true else {
                return responder.error(title: "Not an administrator",
                                       message: "You are a member of \(organization.name), but only its administrators manage it.",
                                       status: .forbidden)
            }
            return try await body(organization, principal)
        } catch OrganizationAdministration.Refusal.notFound {
            return notFound()
        }
    }

    func notFound() -> Response {
        responder.error(title: "No such organization", message: "There is no organization here that you belong to.", status: .notFound)
    }

    func show(_ page: PageRequest, _ organization: Organization, _ principal: Principal, notice: String?, errors: [String],
              inviteEmail: String = "", inviteRole: Role? = nil, status refused: Bool = false) async throws -> Response {
        let csrf = page.csrfToken()
        let membersAfter = try page.query["members_after"].flatMap(CursorText.membership)
        let listed = try await dependencies.administration.members(of: organization.id, after: membersAfter,
                                                                   limit: Self.membersPerPage + 1, by: principal)
        let shown = listed.prefix(Self.membersPerPage)
        var members: [OrganizationView.MemberLine] = []
        for member in shown {
            members.append(.init(name: member.name ?? member.email, email: member.email, role: RoleWords.name(member.membership.role),
                                 secondFactor: Self.words(Array(member.secondFactors))))
        }
        let more = listed.count > Self.membersPerPage
            ? shown.last.map { "/organizations/\(organization.slug)?members_after=\(CursorText.text(MembershipCursor(after: $0.membership)))#members" }
            : nil
        let now = dependencies.clock.now
        let invitations = try await dependencies.invitations.list(organizationID: organization.id, by: principal, before: nil, limit: 50)
            .map { invitation in
                let state = invitation.state(at: now)
                return OrganizationView.InvitationLine(
                    id: invitation.id.uuidString.lowercased(), email: invitation.email, role: RoleWords.name(invitation.role),
                    state: Self.words(state), isPending: state == .pending,
                    when: "sent \(AccountPage.format(invitation.createdAt))" + (state == .pending ? ", works until \(AccountPage.format(invitation.expiresAt))" : ""),
                    csrfToken: csrf.value, slug: organization.slug)
            }
        let invitable = [Role.clientUser, .clientAdmin].filter {
            RoleRules.refusal(principal.roles, .invite, RoleRules.Target(role: $0, organization: organization.id)) == nil
        }
        let chosen = inviteRole ?? invitable.first
        let view = OrganizationView(
            csrfToken: csrf.value, name: organization.name, slug: organization.slug, organizationID: organization.id.uuidString.lowercased(),
            pending: organization.status == .pending, notice: notice, errors: errors, members: members, moreMembersURL: more,
            invitations: invitations,
            invitableRoles: invitable.map { .init(value: $0.rawValue, label: RoleWords.name($0), selected: $0 == chosen) },
            inviteEmail: inviteEmail, policy: .init(organization.secondFactor))
        return responder.form(view, refused: refused || !errors.isEmpty, cookies: csrf.cookies)
    }

    func invite(_ page: PageRequest, _ organization: Organization, _ principal: Principal) async throws -> Response {
        let email = (page.form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let role = page.form["role"].flatMap(Role.init(rawValue:)), !role.isPlatformRole else {
            return try await show(page, organization, principal, notice: nil, errors: ["Choose a role."], inviteEmail: email)
        }
        do {
            _ = try await dependencies.invitations.invite(email: email, role: role, place: .organization(organization.id), by: principal)
        } catch let refusal as Invitations.Refusal {
            return try await show(page, organization, principal, notice: nil, errors: [Self.words(refusal, email: email)],
                                  inviteEmail: email, inviteRole: role)
        }
        return Responses.seeOther("/organizations/\(organization.slug)?done=invited")
    }

    /// Revoke or resend the invitation the form names.
    func onInvitation(_ page: PageRequest, _ organization: Organization, _ principal: Principal,
                      _ action: (UUID) async throws -> String) async throws -> Response {
        guard let id = page.form["invitation"].flatMap(UUID.init(uuidString:)) else {
            return try await show(page, organization, principal, notice: nil, errors: ["That invitation does not exist."])
        }
        do {
            return Responses.seeOther("/organizations/\(organization.slug)?done=\(try await action(id))")
        } catch let refusal as Invitations.Refusal {
            return try await show(page, organization, principal, notice: nil, errors: [Self.words(refusal, email: nil)])
        }
    }

    func saveSettings(_ page: PageRequest, _ organization: Organization, _ principal: Principal) async throws -> Response {
        let methods = Set(page.form.pairs.filter { $0.name == "method" }.compactMap { SecondFactorMethod(rawValue: $0.value) })
        let policy: SecondFactorPolicy? = switch page.form["second_factor"] {
        case "off": .off
        case "optional": .optional
        case "required": .required(methods)
        default: nil
        }
        guard let policy else { return try await show(page, organization, principal, notice: nil, errors: ["Choose a two-step rule."]) }
        do {
            var updated = organization
            let name = page.form["name"] ?? ""
            if name != organization.name { updated = try await dependencies.administration.rename(organization.id, to: name, by: principal) }
            if policy != organization.secondFactor {
                updated = try await dependencies.administration.setSecondFactorPolicy(organization.id, to: policy, by: principal)
            }
            return Responses.seeOther("/organizations/\(updated.slug)?done=saved")
        } catch let refusal as OrganizationAdministration.Refusal {
            let message = switch refusal {
            case .invalidName: "Give the organization a name of 1 to 100 characters."
            case .invalidPolicy: "Choose at least one way to sign in in two steps, or make two-step verification optional."
            default: "You may not change this organization's settings."
            }
            return try await show(page, organization, principal, notice: nil, errors: [message])
        }
    }

    static func words(_ refusal: Invitations.Refusal, email: String?) -> String {
        switch refusal {
        case .invalidEmail: "Enter an email address, like name@example.com."
        case .alreadyMember: "\(email ?? "That person") is already a member."
        case .alreadyInvited: "\(email ?? "That person") already has a pending invitation here. Resend it instead."
        case .otherAddress: "That invitation is for another address."
        case .notPending(let state): "That invitation is \(words(state).lowercased()): only a pending one can be changed."
        case .notFound: "That invitation does not exist."
        case .notPermitted, .permissionNotHeld, .placeDoesNotFitRole, .invalidOrganizationName: "You may not invite someone to that role here."
        }
    }

    static func words(_ state: Invitation.State) -> String {
        switch state {
        case .pending: "Pending"
        case .accepted: "Accepted"
        case .revoked: "Revoked"
        case .replaced: "Replaced by a newer link"
        case .expired: "Expired"
        }
    }

    /// A member's confirmed second factors in words; nil for none.
    static func words(_ kinds: [MFACredential.Kind]) -> String? {
        let names = MFACredential.Kind.allCases.filter(kinds.contains).map { $0 == .totp ? "authenticator app" : "emailed codes" }
        return names.isEmpty ? nil : names.joined(separator: " and ")
    }
}
