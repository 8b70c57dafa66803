import GatehouseCore

/// The organization page: members, invitations, the invite form, settings, and the place the
/// live notice appears (`LiveNoticeScript`, written into the template and allowed by its hash,
/// fills it; without script the invitation list shows the new state on reload).
struct OrganizationView: PageView {
    static let template = "organization"
    let csrfToken: String
    let name: String
    let slug: String
    let organizationID: String
    /// "pending" while nobody has accepted its first invitation.
    let pending: Bool
    let notice: String?
    let errors: [String]
    let members: [MemberLine]
    let moreMembersURL: String?
    let invitations: [InvitationLine]
    /// The roles the caller may invite here; empty: no invite form.
    let invitableRoles: [RoleChoice]
    let inviteEmail: String
    let policy: PolicyChoice

    var templateValues: TemplateValues {
        [
            "title": .text(name),
            "csrfToken": .text(csrfToken),
            "name": .text(name),
            "slug": .text(slug),
            "organizationID": .text(organizationID),
            "pending": .flag(pending),
            "notice": .text(notice),
            "errors": .list(errors),
            "members": .list(members),
            "moreMembersURL": .text(moreMembersURL),
            "invitations": .list(invitations),
            "invitableRoles": .list(invitableRoles),
            "inviteEmail": .text(inviteEmail),
            "policy": .nested(policy),
        ]
    }

    struct MemberLine: TemplateContent {
        let name: String
        let email: String
        let role: String
        /// "Authenticator app", "Emailed codes", both, or nil for none.
        let secondFactor: String?

        var templateValues: TemplateValues {
            ["name": .text(name), "email": .text(email), "role": .text(role), "secondFactor": .text(secondFactor)]
        }
    }

    struct InvitationLine: TemplateContent {
        let id: String
        let email: String
        let role: String
        let state: String
        let isPending: Bool
        let when: String
        let csrfToken: String
        let slug: String

        var templateValues: TemplateValues {
            ["id": .text(id), "email": .text(email), "role": .text(role), "state": .text(state), "isPending": .flag(isPending),
             "when": .text(when), "csrfToken": .text(csrfToken), "slug": .text(slug)]
        }
    }

    struct RoleChoice: TemplateContent {
        let value: String
        let label: String
        let selected: Bool

        var templateValues: TemplateValues {
            ["value": .text(value), "label": .text(label), "selected": .flag(selected)]
        }
    }

    /// The second-factor policy form's state.
    struct PolicyChoice: TemplateContent {
        let off: Bool
        let optional: Bool
        let required: Bool
        let app: Bool
        let email: Bool

        init(_ policy: SecondFactorPolicy) {
            switch policy {
            case .off: (off, optional, required, app, email) = (true, false, false, false, false)
            case .optional: (off, optional, required, app, email) = (false, true, false, false, false)
            case .required(let methods):
                (off, optional, required) = (false, false, true)
                app = methods.contains(.authenticatorApp)
                email = methods.contains(.emailedCode)
            }
        }

        var templateValues: TemplateValues {
            ["off": .flag(off), "optional": .flag(optional), "required": .flag(required), "app": .flag(app), "email": .flag(email)]
        }
    }

    static let sample = OrganizationView(
        csrfToken: "csrf", name: "Northwind Traders", slug: "northwind", organizationID: "0b6e1a52-5a0c-4c61-9e39-5d1e1c1f0a11",
        pending: true, notice: "Invitation sent to grace@example.test.", errors: ["Enter an email address, like name@example.com."],
        members: [MemberLine(name: "Ada Lovelace", email: "ada@example.test", role: "Administrator", secondFactor: "Authenticator app")],
        moreMembersURL: "/organizations/northwind?members_after=x",
        invitations: [InvitationLine(id: "inv", email: "grace@example.test", role: "Member", state: "Pending", isPending: true,
                                     when: "sent 4 Dec 2026, 10:00 UTC", csrfToken: "csrf", slug: "northwind")],
        invitableRoles: [RoleChoice(value: "client_user", label: "Member", selected: true)], inviteEmail: "grace@example.test",
        policy: PolicyChoice(.required([.authenticatorApp])))
}
