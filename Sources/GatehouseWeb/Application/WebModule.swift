import HTTPTypes
import Hummingbird

/// A feature of the web layer, a room of its own: it declares what its handlers may use as its
/// own `Dependencies` (built by `GatehouseModules`), and hands over its routes as one collection.
/// A module chooses its pipeline per collection — `PageRoutes` for pages (form, CSRF, session,
/// errors as pages, audit context), `OAuthRoutes` for the protocol's JSON (errors as RFC 6749
/// bodies), or a bare collection — so a route carries only the middleware it needs.
protocol WebModule {
    var routes: RouteCollection<GatehouseRequestContext> { get }

    /// GET routes whose answers are made before any request (`PrecomputedAnswer`, with the
    /// security headers given here baked in) and read nothing of the request but its `Origin`:
    /// as routes they run with the request metrics alone, none of the per-request middleware
    /// `routes` get, and `gatehouse serve` answers most of them in the channel, before Hummingbird
    /// (`PrecomputedAnswerHandler`). None for most modules.
    func precomputedRoutes(securityHeaders: [HTTPField]) -> [PrecomputedRoute]
}

extension WebModule {
    func precomputedRoutes(securityHeaders: [HTTPField]) -> [PrecomputedRoute] { [] }
}
