public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address and the client
/// address resolved from it (for rate limits, lockout events and sessions' "last seen from").
public struct GatehouseRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The client's address: the TCP peer's, or what trusted proxies forwarded. Set once per
    /// request by `ClientAddressMiddleware` (`ClientAddressResolver`); nil when unknown.
    public internal(set) var clientIP: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientIP = remoteAddress?.ipAddress
    }

    /// Bodies are read with explicit, smaller limits by `FormBody`.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The key per-IP limits count this client under (the address; the /64 for IPv6).
    var rateLimitAddress: String? {
        clientIP.map { IPAddress($0)?.rateLimitKey ?? $0 }
    }
}
