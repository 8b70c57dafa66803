import GatehouseCore
import Hummingbird

/// `GET /admin`: the dashboard's counts, read from PostgreSQL on each view (one statement).
struct DashboardPage {
    let dependencies: AdminModule.Dependencies

    func register(on routes: PageRoutes) {
        routes.get("/admin") { page in
            try await dependencies.access.admit(page) { admin in
                // The counts are the whole deployment's: only for the platform roles (a client_admin
                // sees nothing of other organizations).
                let scoped = admin.principal.roles.platformRole == nil
                guard !scoped else {
                    return dependencies.pages.responder.page(AdminDashboardView(role: RoleWords.withArticle(.clientAdmin), scoped: true, counts: []))
                }
                let counts = try await dependencies.reader.counts(now: dependencies.clock.now)
                return dependencies.pages.responder.page(AdminDashboardView(
                    role: RoleWords.withArticle(admin.principal.roles.platformRole ?? .clientAdmin), scoped: false,
                    counts: [
                        .init(label: "Users", value: counts.users),
                        .init(label: "Sign-ins (24 h)", value: counts.signInsLastDay),
                        .init(label: "Failed sign-ins (24 h)", value: counts.signInFailuresLastDay),
                        .init(label: "Active sessions", value: counts.activeSessions),
                        .init(label: "Pending invitations", value: counts.pendingInvitations),
                        .init(label: "Locked accounts", value: counts.lockouts),
                    ]))
            }
        }
    }
}

/// The console's dashboard.
struct AdminDashboardView: PageView {
    static let template = "admin_dashboard"
    /// The administrator's role in words: "a site admin".
    let role: String
    /// A `client_admin`: no counts (they are the whole deployment's); the directory shows their members.
    let scoped: Bool
    let counts: [Count]

    struct Count: TemplateContent {
        let label: String
        let value: Int
        var templateValues: TemplateValues { ["label": .text(label), "value": .text(String(value))] }
    }

    var templateValues: TemplateValues {
        ["title": .text("Console"), "role": .text(role), "scoped": .flag(scoped), "counts": .list(counts)]
    }

    static let sample = AdminDashboardView(role: "a site admin", scoped: true, counts: [Count(label: "Users", value: 1_000_000)])
}
