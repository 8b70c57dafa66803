import Dispatch
import Glibc
import HTTPTypes
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTPTypes

/// The answers made before any request (`PrecomputedRoute`: discovery, the JWKS), by exact path,
/// for `PrecomputedAnswerHandler`. Made by `GatehouseApplication.routerAndAnswers`, from the same
/// routes the router serves.
public struct PrecomputedAnswers: Sendable {
    private let byPath: [String: PrecomputedRoute]

    init(_ routes: [PrecomputedRoute]) {
        byPath = Dictionary(routes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// None: every request goes to the router.
    public static let none = PrecomputedAnswers([])

    /// The route for a GET of exactly this path (no query) that the channel may answer itself:
    /// nil for any request whose answer would not be the precomputed bytes alone on a connection
    /// kept open — another method (HEAD included: Hummingbird knows it has no body), a query, a
    /// `Connection` header other than `keep-alive` (the router honours `close`), an `Expect` header.
    func route(for request: HTTPRequest) -> PrecomputedRoute? {
        guard request.method == .get, let path = request.path, let route = byPath[path],
              request.headerFields[.expect] == nil
        else { return nil }
        let connection = request.headerFields[values: .connection]
        guard connection.isEmpty || (connection.count == 1 && connection[0].lowercased() == "keep-alive") else { return nil }
        return route
    }
}

/// Gives the answers made before any request in the channel pipeline, on the event loop, as
/// soon as the request has been read: no `Request`, router, middleware or task, and the head,
/// body and end leave in one flush. Discovery and the JWKS are what relying parties and resource
/// servers fetch most and what costs least; through Hummingbird, the per-request machinery was
/// most of their cost (issue 12: 0.04 ms of server CPU against nginx's 0.012 ms for the same bytes).
///
/// Only when no request handed to Hummingbird on this connection is still unanswered: a
/// pipelined request behind one Hummingbird works on goes to Hummingbird too (whose router gives
/// the same answer), so answers leave in the order the requests came. It sits after Hummingbird's
/// `HTTPConnectionStateHandler`, which sees the request and this answer like any other (idle
/// timeout, graceful shutdown), and counts the request metrics the router would
/// (`RequestMetrics`: by route, method and status).
final class PrecomputedAnswerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let answers: PrecomputedAnswers
    private let metrics: RequestMetrics
    /// Requests handed on to Hummingbird whose answer has not ended yet.
    private var unanswered = 0
    /// The request being answered here: its route, whether it came with an `Origin`, and when its
    /// head arrived. Its body, if any, is read and dropped until its end.
    private var answering: (route: PrecomputedRoute, crossOrigin: Bool, start: UInt64)?
    /// The `Date` every answer carries (RFC 9110 §6.6.1), as Hummingbird adds it to the router's.
    private var date = HTTPDate()

    init(answers: PrecomputedAnswers, metrics: RequestMetrics) {
        self.answers = answers
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if unanswered == 0, answering == nil, let route = answers.route(for: request) {
                answering = (route, request.headerFields[.origin] != nil, DispatchTime.now().uptimeNanoseconds)
                return
            }
            unanswered += 1
        case .body:
            if answering != nil { return }
        case .end:
            if let request = answering {
                answering = nil
                answer(request, context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), unanswered > 0 { unanswered -= 1 }
        context.write(data, promise: promise)
    }

    private func answer(_ request: (route: PrecomputedRoute, crossOrigin: Bool, start: UInt64), context: ChannelHandlerContext) {
        let answer = request.route.answer()
        var head = answer.head(crossOrigin: request.crossOrigin)
        head.headerFields.append(HTTPField(name: .date, value: date.now()))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let endpoint = metrics.endpoint(route: request.route.path, method: .get, status: head.status)
        endpoint.requests.increment()
        endpoint.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - request.start)
    }
}

/// Hummingbird's HTTP/1.1 channel with a `PrecomputedAnswerHandler` placed right after its
/// `HTTPConnectionStateHandler`, before the handler that hands requests to the router.
struct PrecomputedAnswerChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let answers: PrecomputedAnswers
    let metrics = RequestMetrics()

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let answers = answers, metrics = metrics
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.context(handlerType: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(PrecomputedAnswerHandler(answers: answers, metrics: metrics), position: .after(state.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// The `Date` header's value now (RFC 9110 §5.6.7 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"),
/// formatted again only when the second has changed.
struct HTTPDate {
    private var second = 0
    private var text = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        let seconds = time(nil)
        if seconds != second || text.isEmpty {
            second = seconds
            text = Self.format(seconds)
        }
        return text
    }

    static func format(_ seconds: Int) -> String {
        var epoch = seconds
        var parts = tm()
        gmtime_r(&epoch, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
