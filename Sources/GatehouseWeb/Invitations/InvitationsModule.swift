import GatehouseCore
import Hummingbird

/// Onboarding by invitation: the page an invitation's link opens, where it is accepted.
struct InvitationsModule: WebModule {
    /// What the invitation pages may use, and nothing more.
    struct Dependencies: Sendable {
        let pages: PagePipeline
        /// Finishes the new account's sign-in (second factor when required, then a session).
        let signIn: SignInFlow
        let invitations: Invitations
        let settings: AccountSettings
        let users: any UserStore
        /// The rules a new password follows, shown on the page.
        let passwordPolicy: PasswordPolicy
        /// The name, password and terms of a new account, judged and hashed as registration does.
        let newAccount: NewAccount
        let clock: any Clock
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        InvitationPage(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}
