import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird

/// Who may read `/metrics`: a scraper whose address is in an allowed network
/// (`GATEHOUSE_METRICS_ALLOW`, loopback only by default) or one that presents the bearer token
/// (`GATEHOUSE_METRICS_TOKEN`). Everyone else is answered 404, as for a path that does not
/// exist: the counters would tell an outsider how many sign-ins fail, which clients are busy and
/// when the service is under strain.
///
/// The address is the client's as `ClientAddressResolver` resolves it. A request that carries
/// `X-Forwarded-For` or `Forwarded` from a peer that is not a trusted proxy came through a proxy
/// Gatehouse was not told about — typically a reverse proxy on the same host, whose every request
/// would look like loopback — so the address cannot be believed and only the token admits it.
public struct MetricsAccess: Sendable {
    /// Networks whose clients may scrape without a token; empty: none.
    public var allowedNetworks: [IPNetwork]
    /// The bearer token that admits a scraper from anywhere; nil: none.
    public var token: String?

    /// 127.0.0.0/8 and ::1: the host itself.
    public static let loopback: [IPNetwork] = ["127.0.0.0/8", "::1/128"].compactMap(IPNetwork.init)

    public init(allowedNetworks: [IPNetwork] = MetricsAccess.loopback, token: String? = nil) {
        self.allowedNetworks = allowedNetworks
        self.token = token
    }

    /// Whether this request may read the metrics. Tokens are compared as SHA-256 digests in
    /// constant time, so neither their bytes nor their length leak through timing.
    func permits(_ request: Request, context: GatehouseRequestContext, resolver: ClientAddressResolver,
                 crypto: any CryptoPrimitives) -> Bool {
        if let token, let presented = Self.bearerToken(request.headers[.authorization]),
           ConstantTime.equals(crypto.sha256(presented), crypto.sha256(token)) {
            return true
        }
        let forwarded = request.headers[.xForwardedFor] != nil || request.headers[.forwarded] != nil
        if forwarded && !resolver.peerIsTrustedProxy(context.remoteAddress?.ipAddress) { return false }
        guard let clientIP = context.clientIP, let address = IPAddress(clientIP) else { return false }
        return allowedNetworks.contains { $0.contains(address) }
    }

    /// The credentials of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme in any case).
    static func bearerToken(_ header: String?) -> String? {
        guard let token = header.flatMap(BearerAuthorization.token), !token.isEmpty else { return nil }
        return token
    }
}

extension ClientAddressResolver {
    /// Whether the TCP peer (or the router tests' stand-in for it) is one of the trusted proxies.
    func peerIsTrustedProxy(_ peer: String?) -> Bool {
        guard let text = peerOverride ?? peer, let address = IPAddress(text) else { return false }
        return isTrusted(address)
    }
}

extension HTTPField.Name {
    /// RFC 7239.
    static let forwarded = HTTPField.Name("Forwarded")!
}
