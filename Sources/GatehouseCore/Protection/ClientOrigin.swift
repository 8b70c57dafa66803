/// Where a request comes from, as the per-IP limits see it. The web layer builds it once per
/// request (it alone reads addresses, proxies and networks); every per-IP limit in Core takes it,
/// so the rule "a trusted network is exempt from per-IP limits, never from per-account ones"
/// lives here and not in each route.
public struct ClientOrigin: Sendable, Equatable {
    /// The client's address as resolved (for lockout events and records); nil when unknown.
    public var address: String?
    /// What per-IP limits count under: the address, or its /64 for IPv6; nil when unknown.
    public var rateLimitKey: String?
    /// The address is in a trusted network (`GATEHOUSE_RATE_LIMIT_EXEMPT`): no per-IP limit
    /// counts or refuses it. Per-account limits, the argon2 pool guard and the overall cap on
    /// pending requests still apply.
    public var isExempt: Bool

    public init(address: String?, rateLimitKey: String? = nil, isExempt: Bool = false) {
        self.address = address
        self.rateLimitKey = rateLimitKey ?? address
        self.isExempt = isExempt
    }

    /// The per-IP key, "unknown" when the address is (every unknown client shares one count).
    var limitKey: String { rateLimitKey ?? "unknown" }
}
