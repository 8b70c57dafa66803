public import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// How long a client may take, so a slow or silent one cannot hold a connection (and its
/// memory) forever — the slowloris family of attacks.
///
/// - `idle`: a connection may go this long without a complete request head, both kept alive
///   between requests and while a request line and headers arrive. Bytes trickled in do not
///   count: the HTTP decoder reports nothing until the head is complete, so a client sending a
///   header byte a second is closed after `idle` all the same. (Hummingbird's `idleTimeout`.)
/// - `body`: from a request's head to the end of its body. Every body chunk, however small,
///   counts as activity for `idle`, so without this a client could trickle a 16 KiB form a
///   byte at a time for days.
///
/// While Gatehouse itself works on a request (argon2, PostgreSQL), neither runs.
public struct HTTPServerTimeouts: Sendable, Equatable {
    public var idle: Duration
    public var body: Duration

    public init(idle: Duration = .seconds(30), body: Duration = .seconds(30)) {
        self.idle = idle
        self.body = body
    }
}

extension GatehouseApplication {
    /// The HTTP/1.1 server `gatehouse serve` runs, with these timeouts, giving `answers` in the
    /// channel (`PrecomputedAnswerHandler`; `routerAndAnswers` makes them).
    public static func server(timeouts: HTTPServerTimeouts, answers: PrecomputedAnswers = .none) -> HTTPServerBuilder {
        let body = TimeAmount(timeouts.body)
        let configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestBodyDeadlineHandler(timeout: body)],
                                                       idleTimeout: TimeAmount(timeouts.idle))
        return HTTPServerBuilder { responder in
            PrecomputedAnswerChannel(base: HTTP1Channel(responder: responder, configuration: configuration), answers: answers)
        }
    }
}

/// Closes the connection when a request's body has not fully arrived `timeout` after its head
/// (`HTTPServerTimeouts.body`). One per connection, between the HTTP decoder and Hummingbird.
final class RequestBodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestBodyDeadlineHandler: Sendable {}
