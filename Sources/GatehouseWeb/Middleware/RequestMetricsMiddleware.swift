import Dispatch
import HTTPTypes
import Hummingbird

/// The request metrics of Hummingbird's `MetricsMiddleware` — the same names and dimensions
/// (`hb.requests`, `http.server.request.duration`, `hb.request.errors` by route, method and
/// status; `http.server.active_requests` by method) — without turning every answer into a
/// streamed one. Hummingbird's records after the body is written by wrapping the body in a
/// closure, and a wrapped body loses its one-write path: head, body and end went out as three
/// writes (three trips through the channel's writer, often two `write` calls) for every answer.
/// Here an answer whose length is known (a buffer: every JSON answer, page and precomputed
/// answer) is complete when the handler returns and is counted then, and keeps its one write;
/// only a streamed body (no length: server-sent events, exports) is timed to its last byte.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext

    private let handles = RequestMetrics()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = handles.active(request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            let metrics = handles.endpoint(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            guard response.body.contentLength == nil else {
                metrics.requests.increment()
                metrics.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
                active.decrement()
                return response
            }
            let body = response.body
            response.body = ResponseBody { writer in
                defer {
                    metrics.requests.increment()
                    metrics.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
                    active.decrement()
                }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = handles.endpoint(route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            metrics.requests.increment()
            metrics.errors.increment()
            active.decrement()
            throw error
        }
    }
}
