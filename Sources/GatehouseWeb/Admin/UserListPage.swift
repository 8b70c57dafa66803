import Foundation
import GatehouseCore
import Hummingbird

/// `GET /admin/users`: the directory — search by email, name or id, filters (organization by
/// slug, role, second factor), order (created, last sign-in), keyset pages with opaque cursors
/// ("next" and "previous" links, never a page number). An id that names one user the
/// administrator may see opens their page straight away.
struct UserListPage {
    let dependencies: AdminModule.Dependencies

    static let perPage = 20

    func register(on routes: PageRoutes) {
        routes.get("/admin/users") { page in
            try await dependencies.access.admit(page) { admin in try await show(page, admin) }
        }
    }

    /// The query as the page reads it: every field optional, anything unreadable ignored (the
    /// first page, no filter) rather than refused.
    struct Query {
        var text = ""
        var organizationSlug = ""
        var role: Role?
        var secondFactor: Bool?
        var order = UserOrder.created
        var cursor: String?
    }

    static func read(_ parameters: RequestParameters) -> Query {
        var query = Query()
        query.text = String((parameters["q"] ?? "").prefix(UserSearchText.maximumLength))
        query.organizationSlug = String((parameters["organization"] ?? "").trimmingCharacters(in: .whitespaces).prefix(63)).lowercased()
        query.role = parameters["role"].flatMap(Role.init(rawValue:))
        query.secondFactor = switch parameters["mfa"] { case "enrolled": true; case "none": false; default: nil }
        query.order = parameters["order"].flatMap(UserOrder.init(rawValue:)) ?? .created
        query.cursor = parameters["cursor"]
        return query
    }

    /// The directory's filters the query names. An organization outside a client_admin's own
    /// reads as unknown (`unknownOrganization`): its address says nothing.
    static func filters(_ query: Query, by admin: ConsoleAccess.Administrator, organizations: any OrganizationStore) async throws
        -> (filters: [UserFilter], unknownOrganization: Bool) {
        var filters: [UserFilter] = []
        var unknownOrganization = false
        if !query.organizationSlug.isEmpty {
            if let organization = try await organizations.find(slug: query.organizationSlug),
               ConsoleUserAccess.scope(of: admin.principal.roles).map({ scope in
                   if case .members(let ids) = scope { ids.contains(organization.id) } else { true } }) == true {
                filters.append(.organization(organization.id))
            } else {
                unknownOrganization = true
            }
        }
        if let role = query.role { filters.append(.role(role)) }
        if let enrolled = query.secondFactor { filters.append(.secondFactor(enrolled: enrolled)) }
        return (filters, unknownOrganization)
    }

    func show(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        let query = Self.read(try page.query)
        let (filters, unknownOrganization) = try await Self.filters(query, by: admin, organizations: dependencies.organizations)
        let text = UserSearchText(query.text)
        let search = UserSearch(text: text, filters: filters, order: query.order,
                                position: query.cursor.flatMap { UserPosition(cursor: $0, order: query.order) }, limit: Self.perPage)
        let found = unknownOrganization ? UserDirectory.Page(users: [], next: nil, previous: nil)
            : try await dependencies.directory.search(search, by: admin.principal)
        if case .id? = text?.kind, search.position == nil, found.users.count == 1, let only = found.users.first {
            return Responses.seeOther("/admin/users/" + only.user.id.uuidString.lowercased())
        }
        let link = { (position: UserPosition?) -> String? in
            position.map { "/admin/users?" + FormEncoding.encode(Self.parameters(query, cursor: $0.cursor)) }
        }
        let view = AdminUsersView(
            search: query.text, organization: query.organizationSlug,
            roles: [AdminUsersView.Choice(value: "", label: "Any role", selected: query.role == nil)]
                + Role.allCases.map { .init(value: $0.rawValue, label: RoleWords.name($0), selected: $0 == query.role) },
            secondFactors: [("", "Any"), ("enrolled", "Enrolled"), ("none", "None")].map {
                .init(value: $0.0, label: $0.1, selected: ($0.0 == "enrolled" && query.secondFactor == true)
                      || ($0.0 == "none" && query.secondFactor == false) || ($0.0 == "" && query.secondFactor == nil))
            },
            orders: [AdminUsersView.Choice(value: UserOrder.created.rawValue, label: "Newest accounts", selected: query.order == .created),
                     .init(value: UserOrder.lastSignIn.rawValue, label: "Latest sign-in", selected: query.order == .lastSignIn)],
            users: found.users.map { listing in
                AdminUsersView.Line(id: listing.user.id.uuidString.lowercased(), email: listing.user.email, name: listing.user.name,
                                    created: ConsoleWords.date(listing.user.createdAt), lastSignIn: ConsoleWords.date(listing.lastSignInAt),
                                    secondFactor: listing.hasSecondFactor, role: ConsoleWords.role(listing.platformRole))
            },
            previousURL: link(found.previous), nextURL: link(found.next),
            filtered: text != nil || !filters.isEmpty || unknownOrganization,
            notice: unknownOrganization ? "No organization has the address “\(query.organizationSlug)”."
                : (try page.query["done"] == "erased" ? "The account was erased. Its audit events remain under its id, without its address or email." : nil),
            bulkKinds: JobWords.userKinds.map { AdminUsersView.Choice(value: $0.rawValue, label: JobWords.name($0), selected: false) },
            csrfToken: page.csrfToken().value)
        return dependencies.pages.responder.page(view)
    }

    /// The query of a page link: the same search and filters, another cursor.
    static func parameters(_ query: Query, cursor: String) -> [(String, String)] {
        var parameters: [(String, String)] = []
        if !query.text.isEmpty { parameters.append(("q", query.text)) }
        if !query.organizationSlug.isEmpty { parameters.append(("organization", query.organizationSlug)) }
        if let role = query.role { parameters.append(("role", role.rawValue)) }
        if let enrolled = query.secondFactor { parameters.append(("mfa", enrolled ? "enrolled" : "none")) }
        parameters.append(("order", query.order.rawValue))
        parameters.append(("cursor", cursor))
        return parameters
    }
}

/// The console's user directory.
struct AdminUsersView: PageView {
    static let template = "admin_users"
    let search: String
    let organization: String
    let roles: [Choice]
    let secondFactors: [Choice]
    let orders: [Choice]
    let users: [Line]
    let previousURL: String?
    let nextURL: String?
    /// A search or a filter was applied (an empty list then says nothing matched).
    let filtered: Bool
    let notice: String?
    /// The bulk actions' menu (issue 11 item 4): the ticked users, or every user the filter matches.
    let bulkKinds: [Choice]
    let csrfToken: String

    struct Choice: TemplateContent {
        let value: String
        let label: String
        let selected: Bool
        var templateValues: TemplateValues { ["value": .text(value), "label": .text(label), "selected": .flag(selected)] }
    }

    struct Line: TemplateContent {
        let id: String
        let email: String
        let name: String?
        let created: String
        let lastSignIn: String
        let secondFactor: Bool
        let role: String?
        var templateValues: TemplateValues {
            ["id": .text(id), "email": .text(email), "name": .text(name), "created": .text(created), "lastSignIn": .text(lastSignIn),
             "secondFactor": .flag(secondFactor), "role": .text(role)]
        }
    }

    var templateValues: TemplateValues {
        ["title": .text("Users"), "search": .text(search), "organization": .text(organization), "roles": .list(roles),
         "secondFactors": .list(secondFactors), "orders": .list(orders), "users": .list(users), "previousURL": .text(previousURL),
         "nextURL": .text(nextURL), "filtered": .flag(filtered), "notice": .text(notice), "bulkKinds": .list(bulkKinds),
         "roleChoices": .list([Choice(value: Role.clientUser.rawValue, label: RoleWords.name(.clientUser), selected: true),
                               Choice(value: Role.clientAdmin.rawValue, label: RoleWords.name(.clientAdmin), selected: false)]),
         "csrfToken": .text(csrfToken), "mfa": .text(secondFactors.first(where: \.selected)?.value),
         "role": .text(roles.first(where: \.selected)?.value)]
    }

    static let sample = AdminUsersView(
        search: "ada", organization: "acme", roles: [Choice(value: "client_admin", label: "Client admin", selected: true)],
        secondFactors: [Choice(value: "enrolled", label: "Enrolled", selected: true)],
        orders: [Choice(value: "created", label: "Newest accounts", selected: true)],
        users: [Line(id: "3f2c…", email: "ada@example.test", name: "Ada Lovelace", created: "1 Dec 2026, 10:00 UTC",
                     lastSignIn: "never", secondFactor: true, role: "Operator")],
        previousURL: "/admin/users?cursor=b", nextURL: "/admin/users?cursor=a", filtered: true, notice: "No organization has the address “x”.",
        bulkKinds: [Choice(value: "suspend_user", label: "Suspend", selected: false)], csrfToken: "token")
}
