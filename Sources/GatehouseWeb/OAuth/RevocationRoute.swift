import GatehouseCore
import Hummingbird

/// `POST /revoke` (RFC 7009 §2): the client authenticates as at `/token`; the answer is an
/// empty 200 whatever the token was (§2.2), errors only for the request itself (§2.2.1, in the
/// RFC 6749 §5.2 shape). CORS-enabled like `/token`, so single-page apps can sign out.
struct RevocationRoute {
    let revocation: TokenRevocation

    func register(on routes: OAuthRoutes) {
        let revocation = self.revocation
        routes.clientPost("/revoke") { client, _ in
            let presented = try PresentedToken(form: client.form)
            try await revocation.handle(presented, credentials: try client.credentials())
            return Response(status: .ok, headers: [.cacheControl: "no-store", .pragma: "no-cache"])
        }
        routes.preflight("/revoke")
    }
}
