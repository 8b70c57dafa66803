import GatehouseCore
import Hummingbird

/// The organization page (`/organizations/<slug>`, issue 10 item 8): an organization's
/// administrators (its `client_admin`s and the platform roles) see its members and their second
/// factors, invite people, revoke and resend invitations, and change its name and second-factor
/// policy. Every rule is Core's (`OrganizationAdministration`, `Invitations`, `RoleRules`), asked
/// with the caller's roles read from the database on each request (`Principals`). Beside it the
/// people page (`/people`) for platform roles: invite staff and customer administrators, list
/// the organizations with their administrators.
struct OrganizationsModule: WebModule {
    struct Dependencies: Sendable {
        let pages: PagePipeline
        let administration: OrganizationAdministration
        /// Mails each new link (`InvitationMailer`) and announces accepted, revoked and expired
        /// invitations on the live event bus.
        let invitations: Invitations
        let principals: Principals
        let clock: any Clock
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        OrganizationPage(dependencies: dependencies).register(on: routes)
        PeoplePage(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}
