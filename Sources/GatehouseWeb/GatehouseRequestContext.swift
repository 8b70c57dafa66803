public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address (for sessions'
/// "last seen from" and, later, rate limits).
public struct GatehouseRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read with explicit, smaller limits by `FormBody`.
    public var maxUploadSize: Int { 64 * 1024 }

    var clientIP: String? { remoteAddress?.ipAddress }
}
