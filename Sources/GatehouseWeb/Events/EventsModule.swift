import GatehouseCore
import Hummingbird

/// Live events (`GET /events`): what concerns the signed-in user, as it happens, from whichever
/// instance it happened on.
struct EventsModule: WebModule {
    struct Dependencies: Sendable {
        let bus: any LiveEventBus
        /// This instance's one reader of the bus (`GatehouseModules` builds it once).
        let hub: LiveEventHub
        let bearer: BearerTokenValidator
        let sessions: BrowserSessions
        let cookies: IssuerCookies
        let memberships: any MembershipStore
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        EventsRoute(dependencies: dependencies).register(on: routes)
        return routes
    }
}
