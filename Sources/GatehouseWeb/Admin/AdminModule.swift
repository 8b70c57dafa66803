import Foundation
import GatehouseCore
import Hummingbird

/// The console (`/admin`, issue 11 items 1, 2 and 9): a dashboard, the user directory and a
/// user's page with the support actions, server-rendered on the page pipeline. Every page goes
/// through `ConsoleAccess` (signed in, an administrator by the database, a second factor), every
/// search and look at a user through Core's `UserDirectory` (a `client_admin`'s scope forced
/// into the query), every action through `ConsoleUserAccess` (who may act on whom).
struct AdminModule: WebModule {
    struct Dependencies: Sendable {
        let pages: PagePipeline
        let access: ConsoleAccess
        let directory: UserDirectory
        let reader: any AdministrationReader
        let organizations: any OrganizationStore
        let memberships: any MembershipStore
        let customRoles: any CustomRoleStore
        let credentials: any MFACredentialStore
        let recoveryCodes: any RecoveryCodeStore
        let sessions: any SessionStore
        let consents: any ConsentStore
        /// The support actions, each checked and audited in Core.
        let support: UserSupport
        /// Suspend, reactivate, deactivate, erase and export: the API's and the CLI's service.
        let lifecycle: UserLifecycle
        let exporter: UserExporter
        /// Support sign-in: started from a user's page, ended from the banner (`SupportSignInActions`).
        let supportSignIn: SupportSignIn
        /// Clients, as the API and the shell administer them.
        let clients: ClientAdministration
        /// Bulk jobs (issue 11 item 4), as the API and the shell make them.
        let bulkJobs: BulkJobs
        /// The server's token lifetimes (a client's may only be shorter).
        let settings: ProviderSettings
        /// Users and invitations from a file (`/admin/imports`).
        let importJobs: ImportJobs
        let clock: any Clock
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        DashboardPage(dependencies: dependencies).register(on: routes)
        UserListPage(dependencies: dependencies).register(on: routes)
        UserPage(dependencies: dependencies).register(on: routes)
        UserActions(dependencies: dependencies).register(on: routes)
        SupportSignInActions(dependencies: dependencies).register(on: routes)
        ClientPages(dependencies: dependencies).register(on: routes)
        AuditPage(dependencies: dependencies).register(on: routes)
        JobPages(dependencies: dependencies).register(on: routes)
        ImportPage(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}

/// Words and formats every console page shares.
enum ConsoleWords {
    static func date(_ date: Date?) -> String {
        guard let date else { return "never" }
        return AccountPage.format(date)
    }

    static func role(_ role: Role?) -> String? { role.map(RoleWords.name) }

    /// The page for a refusal of `ConsoleUserAccess`: a user outside the administrator's view
    /// does not exist for them.
    static func refusal(_ refusal: ConsoleUserAccess.Refusal, _ responder: PageResponder) -> Response {
        switch refusal {
        case .notVisible: responder.error(title: "Page not found", message: "There is no page at this address.", status: .notFound)
        case .notAnAdministrator: responder.error(title: "Not for this account", message: "The console is for administrators.", status: .forbidden)
        case .notPermitted: responder.error(title: "Not allowed", message: "You may not act on this user: they hold a role at or above yours, or outside your organizations.", status: .forbidden)
        case .yourself: responder.error(title: "Not allowed", message: "Manage your own account on your account page.", status: .forbidden)
        }
    }
}
