import GatehouseCore
import Hummingbird

/// Sign-in and consent: the browser's side of the protocol — `/authorize`, `/login`, the
/// organization picker, `/consent`, `/logout` (RP-initiated) and `/` — all on the page pipeline.
struct SignInModule: WebModule {
    /// What the sign-in pages may use, and nothing more.
    struct Dependencies: Sendable {
        let pages: PagePipeline
        /// Where a proven sign-in continues (shared with accounts and the second factor).
        let signIn: SignInFlow
        let validator: AuthorizationRequestValidator
        /// New pending requests, stored within the per-address and overall budget.
        let pendingAuthorizations: PendingAuthorizationBudget
        let states: any AuthorizationStateStore
        /// How long a pending request lives from its last change (the picker saves the choice).
        let pendingLifetime: Duration
        let clients: any ClientStore
        /// The organization picker lists the user's organizations.
        let memberships: any MembershipStore
        let users: any UserStore
        /// Password sign-in behind the per-account limiter (reserve, then argon2).
        let passwordLogin: ProtectedPasswordLogin
        let endSession: EndSessionPolicy
        let audit: RequestAuditLog
        /// The login page links to registration (open registration, and mail to verify with).
        let registrationOpen: Bool
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        AuthorizeRoute(dependencies: dependencies).register(on: routes)
        LoginPage(dependencies: dependencies).register(on: routes)
        OrganizationPickerPage(dependencies: dependencies).register(on: routes)
        ConsentPage(dependencies: dependencies).register(on: routes)
        LogoutRoute(dependencies: dependencies).register(on: routes)
        HomeRoute().register(on: routes)
        return routes.collection
    }
}
