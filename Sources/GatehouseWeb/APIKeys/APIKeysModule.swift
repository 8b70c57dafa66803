import GatehouseCore
import Hummingbird

/// Personal access tokens (issue 11 item 6) on a page of their own, `/account/keys`, linked from
/// the account page. The API's side (`/api/v1/api-keys`, keys as callers) is `APIModule`'s; a
/// key at `/introspect` is `TokenIntrospection`'s. All three use the one `APIKeys` service.
struct APIKeysModule: WebModule {
    struct Dependencies: Sendable {
        let pages: PagePipeline
        let apiKeys: APIKeys
        /// The caller's roles, read at each request: which scopes a new key may carry.
        let principals: Principals
        let clock: any Clock
    }

    let dependencies: Dependencies

    var routes: RouteCollection<GatehouseRequestContext> {
        let routes = PageRoutes(dependencies.pages)
        APIKeysPage(dependencies: dependencies).register(on: routes)
        return routes.collection
    }
}
