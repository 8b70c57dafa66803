import HTTPTypes
import Metrics
import Synchronization

/// The handles of the request metrics, with Hummingbird's names and dimensions (`hb.requests`,
/// `http.server.request.duration`, `hb.request.errors` by route, method and status;
/// `http.server.active_requests` by method), each made once per label set as Hummingbird's cache
/// does. Counted by `RequestMetricsMiddleware` for the routes and by `PrecomputedAnswerHandler`
/// for the answers it gives in the channel; both count into the same series.
final class RequestMetrics: Sendable {
    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter

        fileprivate init(_ id: Key) {
            let route = ("http.route", id.route), method = ("http.request.method", id.method.description)
            let status = id.status.code.description
            requests = Counter(label: "hb.requests", dimensions: [route, method, ("http.response.status_code", status)])
            duration = Timer(label: "http.server.request.duration", dimensions: [route, method, ("http.response.status_code", status)],
                             preferredDisplayUnit: .seconds)
            errors = Counter(label: "hb.request.errors", dimensions: [route, method, ("error.type", status)])
        }
    }

    fileprivate struct Key: Hashable, Sendable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    private let endpoints = Mutex<[Key: Endpoint]>([:])
    private let active = Mutex<[HTTPRequest.Method: Meter]>([:])

    func endpoint(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Endpoint {
        let id = Key(route: route, method: method, status: status)
        if let made = endpoints.withLock({ $0[id] }) { return made }
        let made = Endpoint(id)
        return endpoints.withLock { endpoints in
            if let existing = endpoints[id] { return existing }
            endpoints[id] = made
            return made
        }
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        if let made = active.withLock({ $0[method] }) { return made }
        let made = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.description)])
        return active.withLock { meters in
            if let existing = meters[method] { return existing }
            meters[method] = made
            return made
        }
    }
}
