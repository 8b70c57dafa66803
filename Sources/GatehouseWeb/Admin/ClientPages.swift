import Foundation
import GatehouseCore
import Hummingbird

/// The console's clients (issue 11 item 5): `/admin/clients` lists the clients the administrator
/// may administer (newest first, keyset "older" links) with a form to register one;
/// `/admin/clients/<id>` shows one with its settings to change, a new secret to make (the old
/// one kept for a grace period) and a delete. Everything goes through `ClientAdministration`,
/// the service of the API and the shell: `ClientAccess` decides who administers which client,
/// `ClientRegistration` what may be registered, and a change names the revision it was based on
/// (a hidden field), so two administrators never overwrite each other. A new secret is shown
/// once, on the page that answers the form, never in an address. Rotating and deleting ask for
/// a sign-in within the last five minutes.
struct ClientPages {
    let dependencies: AdminModule.Dependencies

    static let perPage = 20
    static let notices = [
        "saved": "Saved.",
        "deleted": "The client is deleted, with its consents and refresh tokens.",
    ]
    /// The grace periods the rotate form offers, in hours.
    static let graceChoices = [0, 1, 24, 168]

    func register(on routes: PageRoutes) {
        routes.get("/admin/clients") { page in
            try await dependencies.access.admit(page) { admin in try await list(page, admin, entered: nil, errors: []) }
        }
        routes.post("/admin/clients") { page in
            try await dependencies.access.admit(page) { admin in try await create(page, admin) }
        }
        routes.get("/admin/clients/:id") { page in
            try await dependencies.access.admit(page) { admin in
                try await answering(page, admin) {
                    let client = try await clients.client(Self.id(page), by: admin.principal)
                    return show(page, client, notice: try page.query["done"].flatMap { Self.notices[$0] }, errors: [], secret: nil)
                }
            }
        }
        routes.post("/admin/clients/:id") { page in
            try await dependencies.access.admit(page) { admin in try await update(page, admin) }
        }
        routes.post("/admin/clients/:id/secret") { page in
            try await dependencies.access.admit(page) { admin in try await rotate(page, admin) }
        }
        routes.post("/admin/clients/:id/delete") { page in
            try await dependencies.access.admit(page) { admin in try await delete(page, admin) }
        }
    }

    var clients: ClientAdministration { dependencies.clients }

    static func id(_ page: PageRequest) -> String {
        String((page.context.parameters.get("id") ?? "").prefix(128))
    }

    // MARK: - The list and registering

    func list(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, entered: AdminClientsView.Entered?,
              errors: [String]) async throws -> Response {
        let csrf = page.csrfToken()
        let after = try page.query["after"].flatMap(CursorText.client)
        let found: [Client]
        do {
            found = try await clients.list(owner: nil, after: after, limit: Self.perPage + 1, by: admin.principal)
        } catch ClientAdministration.Refusal.notPermitted {
            return notForThisAccount()
        }
        let shown = found.prefix(Self.perPage)
        var owners: [UUID: String] = [:]
        for id in Set(shown.compactMap(\.organizationID)) {
            owners[id] = try await dependencies.organizations.find(id: id)?.name
        }
        let view = AdminClientsView(
            clients: shown.map { client in
                AdminClientsView.Line(id: client.id, name: client.name, kind: Self.words(client.kind),
                                      owner: client.organizationID.map { owners[$0] ?? "an organization" } ?? "Platform",
                                      created: ConsoleWords.date(client.createdAt))
            },
            olderURL: found.count > Self.perPage ? shown.last.map { "/admin/clients?after=" + CursorText.text(ClientCursor(after: $0)) } : nil,
            newestURL: after == nil ? nil : "/admin/clients",
            notice: try page.query["done"].flatMap { Self.notices[$0] }, errors: errors, entered: entered ?? .init(),
            kinds: Client.Kind.allCases.map { .init(value: $0.rawValue, label: Self.words($0), selected: $0 == (entered?.kind ?? .confidential)) },
            platform: admin.principal.roles.platformRole != nil, csrfToken: csrf.value)
        return dependencies.pages.responder.form(view, refused: !errors.isEmpty, cookies: csrf.cookies)
    }

    func create(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        let form = page.form
        let entered = AdminClientsView.Entered(
            name: form["name"] ?? "", kind: form["kind"].flatMap(Client.Kind.init(rawValue:)) ?? .confidential,
            organization: (form["organization"] ?? "").trimmingCharacters(in: .whitespaces).lowercased(),
            redirectURIs: form["redirect_uris"] ?? "")
        var owner: UUID?
        if !entered.organization.isEmpty {
            guard let organization = try await dependencies.organizations.find(slug: entered.organization) else {
                return try await list(page, admin, entered: entered, errors: [Self.notAdministered(entered.organization)])
            }
            owner = organization.id
        }
        var registration = ClientRegistration(name: entered.name, kind: entered.kind)
        registration.redirectURIs = Self.lines(entered.redirectURIs)
        do {
            let (client, secret) = try await clients.create(registration, owner: owner, by: admin.principal)
            return show(page, client, notice: "Registered.", errors: [], secret: secret, status: .created)
        } catch ClientAdministration.Refusal.invalid(let problem) {
            return try await list(page, admin, entered: entered, errors: [Self.sentence(problem)])
        } catch let refusal as ClientAdministration.Refusal where refusal == .notFound || refusal == .notPermitted {
            let message = entered.organization.isEmpty
                ? "Only the platform roles register platform clients: name one of your organizations."
                : Self.notAdministered(entered.organization)
            return try await list(page, admin, entered: entered, errors: [message])
        }
    }

    /// One answer for an address nobody has and one of an organization the admin does not
    /// administer, so the form tells a `client_admin` nothing of organizations not theirs.
    static func notAdministered(_ slug: String) -> String {
        "None of the organizations you administer has the address “\(slug)”."
    }

    // MARK: - One client

    func show(_ page: PageRequest, _ client: Client, notice: String?, errors: [String], secret: String?,
              status: HTTPResponse.Status? = nil, entered: ClientRegistration? = nil) -> Response {
        let csrf = page.csrfToken()
        let shown = entered ?? ClientRegistration(of: client)
        let path = "/admin/clients/" + FormEncoding.encodeComponent(client.id)
        let view = AdminClientView(
            id: client.id, path: path, name: shown.name, kind: Self.words(client.kind), isPublic: client.isPublic,
            revision: String(client.revision), created: ConsoleWords.date(client.createdAt), updated: ConsoleWords.date(client.updatedAt),
            redirectURIs: shown.redirectURIs.joined(separator: "\n"),
            postLogoutRedirectURIs: shown.postLogoutRedirectURIs.joined(separator: "\n"),
            grants: GrantType.allCases.filter { !(client.isPublic && $0 == .clientCredentials) }.map {
                .init(value: $0.rawValue, label: Self.words($0), selected: shown.grantTypes.contains($0))
            },
            scopes: shown.scopes.joined(separator: " "), requireMFA: shown.requireMFA,
            accessTokenLifetime: shown.lifetimes.accessToken.map { String($0.components.seconds) } ?? "",
            refreshTokenIdleLifetime: shown.lifetimes.refreshTokenIdle.map { String($0.components.seconds) } ?? "",
            refreshTokenAbsoluteLifetime: shown.lifetimes.refreshTokenAbsolute.map { String($0.components.seconds) } ?? "",
            serverLifetimes: "Server's: access \(dependencies.settings.accessTokenLifetime.components.seconds) s, refresh idle \(dependencies.settings.refreshTokenIdleLifetime.components.seconds) s, refresh absolute \(dependencies.settings.refreshTokenAbsoluteLifetime.components.seconds) s.",
            previousSecretUntil: client.previousSecret.map { ConsoleWords.date($0.expiresAt) },
            graces: Self.graceChoices.map { .init(value: String($0), label: Self.graceWords($0), selected: $0 == 24) },
            secret: secret, notice: notice, errors: errors, csrfToken: csrf.value)
        let status = status ?? (errors.isEmpty ? .ok : PageResponder.refusedForm)
        var response = dependencies.pages.responder.page(view, status: status, cookies: csrf.cookies)
        if secret != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    func update(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        try await answering(page, admin) {
            let id = Self.id(page)
            let current = try await clients.client(id, by: admin.principal)
            let form = page.form
            var registration = ClientRegistration(of: current)
            registration.name = form["name"] ?? ""
            registration.redirectURIs = Self.lines(form["redirect_uris"] ?? "")
            registration.postLogoutRedirectURIs = Self.lines(form["post_logout_redirect_uris"] ?? "")
            registration.grantTypes = form.pairs.filter { $0.name == "grant_type" }.compactMap { GrantType(rawValue: $0.value) }
            registration.scopes = (form["scopes"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
            registration.requireMFA = form["require_mfa"] == "yes"
            var unreadable = false
            for (field, keyPath) in [("access_token_lifetime", \Client.TokenLifetimes.accessToken),
                                     ("refresh_token_idle_lifetime", \.refreshTokenIdle),
                                     ("refresh_token_absolute_lifetime", \.refreshTokenAbsolute)] {
                let text = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
                if text.isEmpty {
                    registration.lifetimes[keyPath: keyPath] = nil
                } else if text.utf8.count <= 10, let seconds = Int(text) {
                    registration.lifetimes[keyPath: keyPath] = .seconds(seconds)
                } else {
                    unreadable = true
                }
            }
            guard !unreadable else {
                return show(page, current, notice: nil, errors: ["Lifetimes are whole numbers of seconds, or empty for the server's."],
                            secret: nil, entered: registration)
            }
            let revision = Int64(form["revision"] ?? "") ?? -1
            do {
                _ = try await clients.update(id, revision: revision, by: admin.principal) { $0 = registration }
            } catch ClientAdministration.Refusal.invalid(let problem) {
                return show(page, current, notice: nil, errors: [Self.sentence(problem)], secret: nil, entered: registration)
            } catch ClientAdministration.Refusal.stale {
                let now = try await clients.client(id, by: admin.principal)
                return show(page, now, notice: nil,
                            errors: ["Someone changed this client while you were editing it. This is the current version: make your change again."],
                            secret: nil)
            }
            return Responses.seeOther("/admin/clients/\(FormEncoding.encodeComponent(id))?done=saved")
        }
    }

    func rotate(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        try await answering(page, admin) {
            let id = Self.id(page)
            let current = try await clients.client(id, by: admin.principal)
            guard dependencies.access.isFresh(admin.account.session) else { return freshSignInNeeded("Making a new secret") }
            let hours = Int(page.form["grace_hours"] ?? "") ?? 0
            guard Self.graceChoices.contains(hours) else {
                return show(page, current, notice: nil, errors: ["Choose how long the old secret keeps working."], secret: nil)
            }
            let (client, secret) = try await clients.rotateSecret(id, revision: Int64(page.form["revision"] ?? "") ?? -1,
                                                                  grace: .seconds(hours * 3600), by: admin.principal)
            return show(page, client, notice: hours == 0 ? "A new secret: the old one no longer works."
                            : "A new secret: the old one keeps working for \(Self.graceWords(hours)).", errors: [], secret: secret)
        }
    }

    func delete(_ page: PageRequest, _ admin: ConsoleAccess.Administrator) async throws -> Response {
        try await answering(page, admin) {
            let id = Self.id(page)
            let current = try await clients.client(id, by: admin.principal)
            guard dependencies.access.isFresh(admin.account.session) else { return freshSignInNeeded("Deleting a client") }
            guard page.form["confirm"] == "yes" else {
                return show(page, current, notice: nil, errors: ["Tick the box to confirm the deletion."], secret: nil)
            }
            try await clients.delete(id, revision: Int64(page.form["revision"] ?? "") ?? -1, by: admin.principal)
            return Responses.seeOther("/admin/clients?done=deleted")
        }
    }

    // MARK: - Parts

    /// The console is open to this administrator, but clients are not (a `client_admin` of no organization).
    func notForThisAccount() -> Response {
        dependencies.pages.responder.error(title: "Not for this account",
                                           message: "Clients are administered by the platform roles and by client admins.", status: .forbidden)
    }

    func freshSignInNeeded(_ what: String) -> Response {
        dependencies.pages.responder.error(
            title: "Sign in again first",
            message: "\(what) needs a sign-in within the last five minutes. Sign out, sign in again, and come back to this page.",
            status: .forbidden)
    }

    /// The refusals of `ClientAdministration` that are not a form's: pages of their own.
    func answering(_ page: PageRequest, _ admin: ConsoleAccess.Administrator, _ body: () async throws -> Response) async throws -> Response {
        let responder = dependencies.pages.responder
        do {
            return try await body()
        } catch let refusal as ClientAdministration.Refusal {
            switch refusal {
            case .notFound: return ConsoleWords.refusal(.notVisible, responder)
            case .notPermitted: return notForThisAccount()
            case .stale:
                return responder.error(title: "Changed meanwhile",
                                       message: "Someone changed this client after you opened the page. Reload it and try again.",
                                       status: .conflict)
            case .noSecret: return responder.error(title: "No secret", message: "A public client has no secret to replace.", status: .conflict)
            case .invalid(let problem): return responder.error(title: "Not saved", message: Self.sentence(problem))
            case .invalidGrace: return responder.error(title: "Not saved", message: "Choose how long the old secret keeps working.")
            }
        }
    }

    /// One value a line, blank lines dropped.
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A registration problem as a page's sentence.
    static func sentence(_ problem: ClientRegistration.Problem) -> String {
        let text = problem.description
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    static func words(_ kind: Client.Kind) -> String {
        switch kind {
        case .confidential: "Web app with a secret"
        case .public: "Single-page or native app (public, PKCE)"
        case .service: "Service (client credentials)"
        }
    }

    static func words(_ grant: GrantType) -> String {
        switch grant {
        case .authorizationCode: "Authorization code (users sign in)"
        case .refreshToken: "Refresh token"
        case .clientCredentials: "Client credentials (acts as itself)"
        }
    }

    static func graceWords(_ hours: Int) -> String {
        switch hours {
        case 0: "no grace: the old one stops now"
        case 1: "1 hour"
        case 168: "7 days"
        default: "\(hours) hours"
        }
    }
}
