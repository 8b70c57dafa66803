public import Hummingbird
import GatehouseCore
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address and the client
/// address resolved from it (for rate limits, lockout events and sessions' "last seen from").
public struct GatehouseRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The client's address: the TCP peer's, or what trusted proxies forwarded. Set once per
    /// request by `ClientAddressMiddleware` (`ClientAddressResolver`), which runs for every route
    /// but the answers made before any request (`PrecomputedAnswer`), which read no address;
    /// nil when unknown.
    public internal(set) var clientIP: String?
    /// The client is in a trusted network (`GATEHOUSE_RATE_LIMIT_EXEMPT`), exempt from per-IP
    /// limits. Set with `clientIP` by `ClientAddressMiddleware`.
    public internal(set) var rateLimitExempt = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read with explicit, smaller limits by `FormBody`.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The key per-IP limits count this client under (the address; the /64 for IPv6).
    var rateLimitAddress: String? {
        clientIP.map { IPAddress($0)?.rateLimitKey ?? $0 }
    }

    /// Where the request comes from, as Core's per-IP limits take it.
    var origin: ClientOrigin {
        ClientOrigin(address: clientIP, rateLimitKey: rateLimitAddress, isExempt: rateLimitExempt)
    }
}
