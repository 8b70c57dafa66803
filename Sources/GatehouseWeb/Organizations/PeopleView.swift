import GatehouseCore

/// The people page (`/people`, platform roles only): the invite form for staff and customer
/// administrators, and the organizations with their administrators.
struct PeopleView: PageView {
    static let template = "people"
    let csrfToken: String
    /// The caller's platform role in words: "an operator".
    let role: String
    let notice: String?
    let errors: [String]
    /// The roles the caller may invite; empty: no invite form.
    let invitableRoles: [OrganizationView.RoleChoice]
    let inviteEmail: String
    let organizationName: String
    let search: String
    let organizations: [OrganizationLine]
    let moreURL: String?
    /// A search was made (an empty list then says nothing matched).
    let searched: Bool

    /// What the invite form keeps when it is shown again with an error.
    struct Entered {
        var email = ""
        var organizationName = ""
        var role: Role?
    }

    var templateValues: TemplateValues {
        [
            "title": .text("People"),
            "csrfToken": .text(csrfToken),
            "role": .text(role),
            "notice": .text(notice),
            "errors": .list(errors),
            "invitableRoles": .list(invitableRoles),
            "inviteEmail": .text(inviteEmail),
            "organizationName": .text(organizationName),
            "search": .text(search),
            "organizations": .list(organizations),
            "moreURL": .text(moreURL),
            "searched": .flag(searched),
        ]
    }

    struct OrganizationLine: TemplateContent {
        let name: String
        let slug: String
        /// Nobody has accepted its first invitation yet.
        let pending: Bool
        let administrators: [Administrator]

        var templateValues: TemplateValues {
            ["name": .text(name), "slug": .text(slug), "pending": .flag(pending), "administrators": .list(administrators)]
        }
    }

    struct Administrator: TemplateContent {
        let name: String
        let email: String

        var templateValues: TemplateValues { ["name": .text(name), "email": .text(email)] }
    }

    static let sample = PeopleView(
        csrfToken: "csrf", role: "an operator", notice: "The invitation is on its way.", errors: ["Choose a role."],
        invitableRoles: [OrganizationView.RoleChoice(value: "client_admin", label: "Customer administrator (new organization)", selected: true)],
        inviteEmail: "grace@example.test", organizationName: "Northwind Traders", search: "north",
        organizations: [OrganizationLine(name: "Northwind Traders", slug: "northwind", pending: true,
                                         administrators: [Administrator(name: "Ada Lovelace", email: "ada@example.test")])],
        moreURL: "/people?q=north&after=x", searched: true)
}
