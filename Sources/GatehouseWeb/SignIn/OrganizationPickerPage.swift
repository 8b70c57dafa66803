import Foundation
import GatehouseCore
import Hummingbird

/// `GET`/`POST /choose-organization`: a user of several organizations picks the one a sign-in
/// acts for (issue 10 item 3), when the application named none (`organization`). Shown only when
/// `AuthorizationFlow` stops at `.chooseOrganization`; the choice is kept in the pending request
/// and checked again by the flow, like a named organization, before any code is issued.
/// Searchable by name with a plain GET form, so it works without script; at most `shown` listed.
struct OrganizationPickerPage {
    let dependencies: SignInModule.Dependencies

    static let path = "/choose-organization"
    /// Enough for a person to scan; more matches ask for a narrower search.
    static let shown = 50
    /// Longest search kept (a name is at most 200 characters; a search that long finds nothing new).
    static let maxSearch = 100

    var responder: PageResponder { dependencies.pages.responder }

    func register(on routes: PageRoutes) {
        routes.get(RouterPath(Self.path), show)
        routes.post(RouterPath(Self.path), choose)
    }

    func show(_ page: PageRequest) async throws -> Response {
        let query = try page.query
        guard let requestID = try query.pendingRequestID(),
              let pending = try await dependencies.states.pending(id: requestID) else { return expired() }
        let search = query["q"].map { String($0.trimmingCharacters(in: .whitespaces).prefix(Self.maxSearch)) } ?? ""
        return try await dependencies.signIn.proceed(requestID: requestID, pending: pending, session: try await page.session(),
                                                     showOrganizations: {
            try await picker(page, requestID: requestID, pending: pending, session: $0, search: search, error: nil)
        })
    }

    func choose(_ page: PageRequest) async throws -> Response {
        guard let requestID = try page.form.pendingRequestID(),
              var pending = try await dependencies.states.pending(id: requestID) else { return expired() }
        guard let session = try await page.session() else {
            return Responses.seeOther("/login?request=\(FormEncoding.encodeComponent(requestID))")
        }
        // Only one of the user's own organizations (the list offered nothing else); the flow
        // checks the choice again when it issues the code.
        guard let id = page.form["organization"].flatMap(UUID.init(uuidString:)),
              try await dependencies.memberships.membership(organizationID: id, userID: session.userID) != nil else {
            return try await picker(page, requestID: requestID, pending: pending, session: session, search: "",
                                    error: "Choose one of the organizations listed.")
        }
        pending.chosenOrganizationID = id
        guard try await dependencies.states.savePending(pending, id: requestID, ttl: dependencies.pendingLifetime) else {
            return expired()
        }
        return try await dependencies.signIn.proceed(requestID: requestID, pending: pending, session: session)
    }

    func picker(_ page: PageRequest, requestID: String, pending: PendingAuthorization, session: BrowserSession, search: String,
                error: String?) async throws -> Response {
        guard let user = try await dependencies.users.find(id: session.userID) else { return expired() }
        let clientName = try await dependencies.clients.find(id: pending.clientID)?.name
        // One more than shown, to know whether there are more.
        let found = try await dependencies.memberships.organizations(userID: user.id, matching: search.isEmpty ? nil : search,
                                                                     limit: Self.shown + 1)
        let csrf = page.csrfToken(requestID: requestID)
        let view = OrganizationPickerView(
            csrfToken: csrf.value, requestID: requestID, clientName: clientName, userEmail: user.email, search: search,
            organizations: found.prefix(Self.shown).map {
                OrganizationPickerView.Choice(id: $0.id.uuidString.lowercased(), name: $0.name, slug: $0.slug)
            },
            more: found.count > Self.shown, error: error)
        return responder.form(view, refused: error != nil, cookies: csrf.cookies)
    }

    func expired() -> Response {
        responder.error(title: "Sign-in expired",
                        message: "This sign-in took too long or was already finished. Go back to the application and start again.")
    }
}
