import GatehouseCore
import Hummingbird
import Logging

/// The steps the protocol's JSON endpoints share, run here once: read the form (`FormBody`: size
/// limit, bad bytes refused), count failed client authentication, and turn every error a handler
/// throws into the one body RFC 6749 §5.2 gives it (`OAuthErrorResponse`) — or, for the protected
/// resource `/userinfo`, the RFC 6750 §3 answer with its `WWW-Authenticate`. A route states only
/// what it asks Core and what it answers. No page middleware runs here (no CSRF, no page errors).
struct OAuthRoutes {
    let collection: RouteCollection<GatehouseRequestContext>
    let maxFormBytes: Int
    let clientAuthentication: ClientAuthenticationLimit

    typealias ClientHandler = @Sendable (ClientRequest, GatehouseRequestContext) async throws -> Response
    typealias ResourceHandler = @Sendable (Request, GatehouseRequestContext) async throws -> Response

    /// A `POST` from an authenticating client (`/token`, `/revoke`, `/introspect`): the form read
    /// into a `ClientRequest` (the route reads its own fields, then the credentials), and failed
    /// client authentication counted toward the same limits wherever it happens
    /// (`ClientAuthenticationLimit`). `failed` hears the OAuth code of every error answer.
    func clientPost(_ path: RouterPath, failed: (@Sendable (OAuthError.Code) -> Void)? = nil,
                    _ handler: @escaping ClientHandler) {
        collection.post(path) { [maxFormBytes, clientAuthentication] request, context in
            do {
                let client = ClientRequest(form: try await FormBody.read(request, limit: maxFormBytes),
                                           authorization: request.headers[.authorization])
                return try await clientAuthentication.counting(client, from: context.origin) {
                    try await handler(client, context)
                }
            } catch {
                let response = OAuthErrorResponse.response(for: error, logger: context.logger)
                failed?(OAuthErrorResponse.wire(error, logger: nil).code)
                return response
            }
        }
    }

    /// A protected resource (RFC 6750): every error is answered as a bearer-token error.
    func protectedResource(_ path: RouterPath, method: HTTPRequest.Method, _ handler: @escaping ResourceHandler) {
        collection.on(path, method: method) { request, context in
            do {
                return try await handler(request, context)
            } catch {
                return OAuthErrorResponse.bearerResponse(for: error, logger: context.logger)
            }
        }
    }

    /// The CORS preflight's route (`APICORSMiddleware` answers it for a request with an `Origin`).
    func preflight(_ path: RouterPath) {
        collection.on(path, method: .options) { _, _ in Response(status: .noContent) }
    }
}

/// Runs a client-authenticated request under the limit on failed client authentication
/// (`ClientAuthenticationFailures`): the cheap check runs first, a right secret is never refused
/// and never waits on Redis, and only `invalid_client` answers are counted — per address and per
/// the client id presented — and turned into 429 once either count is full.
struct ClientAuthenticationLimit: Sendable {
    let failures: ClientAuthenticationFailures
    let logger: Logger

    /// `origin` is read only for a failure: working it out parses the address again, which a
    /// granted request has no use for.
    func counting<T>(_ client: ClientRequest, from origin: @autoclosure () -> ClientOrigin,
                     _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as OAuthError where error.code == .invalidClient {
            let presented = try? client.credentials()
            do {
                try await failures.failed(clientID: presented?.clientID ?? client.form["client_id"], from: origin())
            } catch let refusal as TooManyAttempts {
                throw refusal
            } catch {
                // Uncounted, but nothing was let through: the answer stays 401. (A 256-bit
                // client secret is not guessable; the limit only sheds abusive traffic.)
                logger.warning("client authentication failure not counted", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }
}
