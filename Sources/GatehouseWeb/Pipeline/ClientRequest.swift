import GatehouseCore

/// A request from an authenticating client (`/token`, `/revoke`, `/introspect`) as `OAuthRoutes`
/// hands it to a route: the form, read once, and the Authorization header. The credentials are
/// read only when the route asks (`credentials()`), after it has read its own fields: a request
/// missing a required field is `invalid_request` whatever its credentials (RFC 6749 §5.2 lists
/// no order; Gatehouse answers the request's shape before the client's identity).
struct ClientRequest: Sendable {
    let form: RequestParameters
    let authorization: String?

    /// HTTP Basic, `client_secret_post` or a bare `client_id` (`ClientCredentials(authorization:form:)`).
    func credentials() throws(OAuthError) -> ClientCredentials {
        try ClientCredentials(authorization: authorization, form: form)
    }
}
