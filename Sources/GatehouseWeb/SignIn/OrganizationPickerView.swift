/// "Choose an organization": the user's organizations as buttons, with a search form.
struct OrganizationPickerView: PageView {
    static let template = "choose_organization"
    let csrfToken: String
    let requestID: String
    let clientName: String?
    let userEmail: String
    let search: String
    let organizations: [Choice]
    /// More organizations match than are listed.
    let more: Bool
    let error: String?

    struct Choice: TemplateContent {
        let id: String
        let name: String
        let slug: String

        var templateValues: TemplateValues {
            ["id": .text(id), "name": .text(name), "slug": .text(slug)]
        }
    }

    var templateValues: TemplateValues {
        [
            "title": .text("Choose an organization"),
            "csrfToken": .text(csrfToken),
            "requestID": .text(requestID),
            "clientName": .text(clientName),
            "userEmail": .text(userEmail),
            "search": .text(search),
            "searched": .flag(!search.isEmpty),
            "organizations": .list(organizations),
            "more": .flag(more),
            "error": .text(error),
        ]
    }

    static let sample = OrganizationPickerView(
        csrfToken: "csrf", requestID: "request-id", clientName: "Example App", userEmail: "ada@example.test", search: "acme",
        organizations: [Choice(id: "0b6f3a52-8c1e-4c55-9f4e-2f8f5d1c7a10", name: "Acme Ltd", slug: "acme"),
                        Choice(id: "5d1c7a10-2f8f-4c55-9f4e-0b6f3a528c1e", name: "Acme Research", slug: "acme-research")],
        more: true, error: "Choose one of the organizations listed.")
}
