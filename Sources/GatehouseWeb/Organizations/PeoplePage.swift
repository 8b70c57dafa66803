import Foundation
import GatehouseCore
import Hummingbird

/// `/people`: the platform's page for its staff (issue 10 item 8). Someone holding a platform
/// role invites staff (the platform roles `RoleRules` lets them give) and customer
/// administrators (a `client_admin` of a new organization, created pending at once), and lists
/// the organizations (searchable, keyset-paged) with their administrators and links to their
/// pages. Anyone without a platform role gets the 404 of a page that does not exist, and no data.
struct PeoplePage {
    let dependencies: OrganizationsModule.Dependencies

    var responder: PageResponder { dependencies.pages.responder }

    static let notices = ["invited": "The invitation is on its way."]

    /// Organizations shown at a time.
    static let organizationsPerPage = 20
    /// Administrators shown per organization (its own page lists them all), read for the whole
    /// page of organizations in one query.
    static let administratorsShown = 20
    /// The longest search text read.
    static let maximumSearchLength = 100

    func register(on routes: PageRoutes) {
        routes.accountGet("/people") { page, account in
            let notice = try page.query["done"].flatMap { Self.notices[$0] }
            return try await asStaff(account) { principal in try await show(page, principal, notice: notice, errors: []) }
        }
        routes.accountPost("/people/invitations") { page, account in
            try await asStaff(account) { principal in try await invite(page, principal) }
        }
    }

    /// The caller's roles from the database; a page only for those with a platform role.
    func asStaff(_ account: SignedInAccount, _ body: (Principal) async throws -> Response) async throws -> Response {
        let principal = try await dependencies.principals.principal(userID: account.user.id)
        guard principal.roles.platformRole != nil else {
            return responder.error(title: "Page not found", message: "There is no page at this address.", status: .notFound)
        }
        return try await body(principal)
    }

    /// The roles the caller may invite from here, highest first.
    static func invitable(_ principal: Principal) -> [Role] {
        [Role.siteAdmin, .operator, .clientAdmin].filter { role in
            // A client_admin's organization does not exist yet: any id stands for it (a platform
            // role speaks for every organization).
            let target = RoleRules.Target(role: role, organization: role.isPlatformRole ? nil : UUID())
            return RoleRules.refusal(principal.roles, .invite, target) == nil
        }
    }

    func show(_ page: PageRequest, _ principal: Principal, notice: String?, errors: [String],
              entered: PeopleView.Entered = .init()) async throws -> Response {
        let csrf = page.csrfToken()
        let search = try page.query["q"].map { String($0.trimmingCharacters(in: .whitespaces).prefix(Self.maximumSearchLength)) }
            .flatMap { $0.isEmpty ? nil : $0 }
        let after = try await cursor(try page.query["after"], principal)
        let listed = try await dependencies.administration.list(matching: search, after: after, limit: Self.organizationsPerPage + 1,
                                                                by: principal)
        let shown = listed.prefix(Self.organizationsPerPage)
        let administrators = try await dependencies.administration.administrators(of: shown.map(\.id), limit: Self.administratorsShown,
                                                                                   by: principal)
        let lines = shown.map { organization in
            PeopleView.OrganizationLine(
                name: organization.name, slug: organization.slug, pending: organization.status == .pending,
                administrators: (administrators[organization.id] ?? []).map { PeopleView.Administrator(name: $0.name ?? $0.email, email: $0.email) })
        }
        var more: String?
        if listed.count > Self.organizationsPerPage, let last = shown.last {
            var query = [("after", last.id.uuidString.lowercased())]
            if let search { query.insert(("q", search), at: 0) }
            more = "/people?" + FormEncoding.encode(query) + "#organizations"
        }
        let chosen = entered.role ?? Self.invitable(principal).first
        let view = PeopleView(
            csrfToken: csrf.value, role: RoleWords.withArticle(principal.roles.platformRole ?? .operator), notice: notice, errors: errors,
            invitableRoles: Self.invitable(principal).map { .init(value: $0.rawValue, label: Self.label($0), selected: $0 == chosen) },
            inviteEmail: entered.email, organizationName: entered.organizationName, search: search ?? "",
            organizations: lines, moreURL: more, searched: search != nil)
        return responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }

    /// A role as the invite form offers it: staff by their names, a `client_admin` as what it is here.
    static func label(_ role: Role) -> String {
        role == .clientAdmin ? "Customer administrator (new organization)" : RoleWords.name(role)
    }

    /// The keyset cursor of the next page: the id of the last organization shown (its name is
    /// read again, so the URL carries no name). Anything else is the first page.
    func cursor(_ text: String?, _ principal: Principal) async throws -> OrganizationCursor? {
        guard let text, UUID(uuidString: text) != nil else { return nil }
        do {
            return OrganizationCursor(after: try await dependencies.administration.organization(text, by: principal))
        } catch OrganizationAdministration.Refusal.notFound {
            return nil
        }
    }

    func invite(_ page: PageRequest, _ principal: Principal) async throws -> Response {
        let email = (page.form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let organizationName = (page.form["organization_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let role = page.form["role"].flatMap(Role.init(rawValue:))
        let entered = PeopleView.Entered(email: email, organizationName: organizationName, role: role)
        guard let role, role.isPlatformRole || role == .clientAdmin else {
            return try await show(page, principal, notice: nil, errors: ["Choose a role."], entered: entered)
        }
        if role == .clientAdmin && organizationName.isEmpty {
            return try await show(page, principal, notice: nil,
                                  errors: ["Name the new organization: a customer administrator is invited to one."], entered: entered)
        }
        let place: Invitations.Place = role == .clientAdmin ? .newOrganization(name: organizationName) : .platform
        do {
            _ = try await dependencies.invitations.invite(email: email, role: role, place: place, by: principal)
        } catch let refusal as Invitations.Refusal {
            return try await show(page, principal, notice: nil, errors: [Self.words(refusal, email: email)], entered: entered)
        }
        return Responses.seeOther("/people?done=invited")
    }

    static func words(_ refusal: Invitations.Refusal, email: String) -> String {
        switch refusal {
        case .invalidEmail: "Enter an email address, like name@example.com."
        case .invalidOrganizationName: "Give the organization a name of 1 to 100 characters."
        case .alreadyMember: "\(email) already holds that role."
        case .alreadyInvited: "\(email) already has a pending invitation to that role."
        case .notPending, .notFound, .notPermitted, .permissionNotHeld, .placeDoesNotFitRole, .otherAddress:
            "You may not invite someone to that role."
        }
    }
}
