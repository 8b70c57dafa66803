import GatehouseCore
import Hummingbird

/// `POST /introspect` (RFC 7662 §2): form in, JSON out, `Cache-Control: no-store` (the answer
/// describes a live credential). For resource servers calling from their own servers: no CORS.
struct IntrospectionRoute {
    let introspection: TokenIntrospection

    func register(on routes: OAuthRoutes) {
        let introspection = self.introspection
        routes.clientPost("/introspect") { client, _ in
            let presented = try PresentedToken(form: client.form)
            let answer = try await introspection.handle(presented, credentials: try client.credentials())
            return Responses.json(answer, noStore: true)
        }
    }
}
