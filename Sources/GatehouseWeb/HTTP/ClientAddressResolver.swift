/// Decides which address a request comes from: the one function every limit, session record and
/// log line relies on (through `GatehouseRequestContext.clientIP`, set once per request by
/// `ClientAddressMiddleware`).
///
/// `X-Forwarded-For` is believed only when the TCP peer is a trusted proxy
/// (`GATEHOUSE_TRUSTED_PROXIES`, empty by default): then the list is read from the right, skipping
/// trusted proxies, and the first address that is not one is the client. Anything to its left
/// was written by the client itself and could say anything. When every hop is trusted the
/// left-most address is the client; an unreadable entry ends the walk at the hop it reached.
public struct ClientAddressResolver: Sendable {
    public var trustedProxies: [IPNetwork]
    /// The address the TCP peer is taken to have when set. Router tests have no socket (the
    /// peer is unknown), so they inject one here to test proxies and per-IP limits.
    public var peerOverride: String?
    /// Trusted networks exempt from per-IP limits (`GATEHOUSE_RATE_LIMIT_EXEMPT`): an office, a
    /// school, a partner's egress. Per-account limits still apply to them.
    public var exemptNetworks: [IPNetwork]

    public init(trustedProxies: [IPNetwork] = [], peerOverride: String? = nil, exemptNetworks: [IPNetwork] = []) {
        self.trustedProxies = trustedProxies
        self.peerOverride = peerOverride
        self.exemptNetworks = exemptNetworks
    }

    /// Whether the resolved client address is in an exempt network.
    public func isExempt(_ clientIP: String?) -> Bool {
        guard !exemptNetworks.isEmpty, let clientIP, let address = IPAddress(clientIP) else { return false }
        return exemptNetworks.contains { $0.contains(address) }
    }

    /// The client's address in canonical form, or nil when the peer has none (unknown).
    public func resolve(peer: String?, forwardedFor: [String]) -> String? {
        let peerText = peerOverride ?? peer
        guard let peerText, var client = IPAddress(peerText) else { return peerOverride ?? peer }
        guard isTrusted(client) else { return client.description }
        // Right to left through every line, as one comma-separated list; empty entries are
        // skipped. Sliced in place: this runs for every request behind a trusted proxy.
        walk: for line in forwardedFor.reversed() {
            let utf8 = line.utf8
            var end = utf8.endIndex
            while true {
                let comma = utf8[..<end].lastIndex(of: UInt8(ascii: ","))
                let start = comma.map(utf8.index(after:)) ?? utf8.startIndex
                if start < end {
                    guard let address = IPAddress(line[start..<end]) else { break walk }
                    client = address
                    if !isTrusted(address) { break walk }
                }
                guard let comma else { break }
                end = comma
            }
        }
        return client.description
    }

    func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}
