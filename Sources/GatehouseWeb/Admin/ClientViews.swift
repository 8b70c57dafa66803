import GatehouseCore

/// The console's list of clients, with the form to register one.
struct AdminClientsView: PageView {
    static let template = "admin_clients"
    let clients: [Line]
    let olderURL: String?
    let newestURL: String?
    let notice: String?
    let errors: [String]
    let entered: Entered
    let kinds: [AdminUsersView.Choice]
    /// A platform role may register a platform client (no organization).
    let platform: Bool
    let csrfToken: String

    struct Line: TemplateContent {
        let id: String
        let name: String
        let kind: String
        let owner: String
        let created: String
        var templateValues: TemplateValues {
            ["id": .text(id), "path": .text("/admin/clients/" + FormEncoding.encodeComponent(id)), "name": .text(name),
             "kind": .text(kind), "owner": .text(owner), "created": .text(created)]
        }
    }

    /// What the register form holds (again, after a refusal).
    struct Entered: Sendable {
        var name = ""
        var kind = Client.Kind.confidential
        var organization = ""
        var redirectURIs = ""
    }

    var templateValues: TemplateValues {
        ["title": .text("Clients"), "clients": .list(clients), "olderURL": .text(olderURL), "newestURL": .text(newestURL),
         "notice": .text(notice), "errors": .list(errors), "name": .text(entered.name), "organization": .text(entered.organization),
         "redirectURIs": .text(entered.redirectURIs), "kinds": .list(kinds), "platform": .flag(platform), "csrfToken": .text(csrfToken)]
    }

    static let sample = AdminClientsView(
        clients: [Line(id: "abc-_1", name: "Reports", kind: "Service (client credentials)", owner: "Acme", created: "1 Dec 2026, 10:00 UTC")],
        olderURL: "/admin/clients?after=x", newestURL: "/admin/clients", notice: "Saved.", errors: ["A redirect URI is required."],
        entered: Entered(name: "New app", kind: .public, organization: "acme", redirectURIs: "https://app.example/cb"),
        kinds: [AdminUsersView.Choice(value: "public", label: "Public", selected: true)], platform: true, csrfToken: "csrf")
}

/// One client in the console: its settings to change, a new secret, deleting it.
struct AdminClientView: PageView {
    static let template = "admin_client"
    let id: String
    let path: String
    let name: String
    let kind: String
    let isPublic: Bool
    let revision: String
    let created: String
    let updated: String
    let redirectURIs: String
    let postLogoutRedirectURIs: String
    let grants: [AdminUsersView.Choice]
    let scopes: String
    let requireMFA: Bool
    let accessTokenLifetime: String
    let refreshTokenIdleLifetime: String
    let refreshTokenAbsoluteLifetime: String
    /// The server's lifetimes in words: a client's may only be shorter.
    let serverLifetimes: String
    /// When the secret a rotation replaced stops working; nil when it does not work.
    let previousSecretUntil: String?
    let graces: [AdminUsersView.Choice]
    /// A secret just made: shown this once.
    let secret: String?
    let notice: String?
    let errors: [String]
    let csrfToken: String

    var templateValues: TemplateValues {
        [
            "title": .text(name), "id": .text(id), "path": .text(path), "name": .text(name), "kind": .text(kind),
            "isPublic": .flag(isPublic), "revision": .text(revision), "created": .text(created), "updated": .text(updated),
            "redirectURIs": .text(redirectURIs), "postLogoutRedirectURIs": .text(postLogoutRedirectURIs), "grants": .list(grants),
            "scopes": .text(scopes), "requireMFA": .flag(requireMFA), "accessTokenLifetime": .text(accessTokenLifetime),
            "refreshTokenIdleLifetime": .text(refreshTokenIdleLifetime), "refreshTokenAbsoluteLifetime": .text(refreshTokenAbsoluteLifetime),
            "serverLifetimes": .text(serverLifetimes), "previousSecretUntil": .text(previousSecretUntil), "graces": .list(graces),
            "secret": .text(secret), "notice": .text(notice), "errors": .list(errors), "csrfToken": .text(csrfToken),
        ]
    }

    static let sample = AdminClientView(
        id: "abc", path: "/admin/clients/abc", name: "Reports", kind: "Web app with a secret", isPublic: false, revision: "3",
        created: "1 Dec 2026, 10:00 UTC", updated: "2 Dec 2026, 10:00 UTC", redirectURIs: "https://app.example/cb",
        postLogoutRedirectURIs: "https://app.example/", grants: [AdminUsersView.Choice(value: "authorization_code", label: "Code", selected: true)],
        scopes: "openid email", requireMFA: true, accessTokenLifetime: "300", refreshTokenIdleLifetime: "", refreshTokenAbsoluteLifetime: "",
        serverLifetimes: "Server's: access 900 s.", previousSecretUntil: "3 Dec 2026, 10:00 UTC",
        graces: [AdminUsersView.Choice(value: "24", label: "24 hours", selected: true)], secret: "s3cr3t", notice: "Saved.",
        errors: ["A redirect URI is required."], csrfToken: "csrf")
}
