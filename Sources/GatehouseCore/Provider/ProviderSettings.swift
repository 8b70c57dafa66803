/// The protocol-level settings core logic needs: the issuer and every lifetime
/// (DESIGN.md defaults; each configurable).
public struct ProviderSettings: Sendable {
    /// One origin, `scheme://host[:port]`, no path; every URL in discovery derives from it.
    public var issuer: String
    public var accessTokenLifetime: Duration = .seconds(15 * 60)
    public var idTokenLifetime: Duration = .seconds(15 * 60)
    public var refreshTokenIdleLifetime: Duration = .seconds(7 * 24 * 3600)
    public var refreshTokenAbsoluteLifetime: Duration = .seconds(30 * 24 * 3600)
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    public var authorizationCodeLifetime: Duration = .seconds(60)
    public var pendingAuthorizationLifetime: Duration = .seconds(30 * 60)
    /// Every sign-in needs a second factor (`GATEHOUSE_MFA_REQUIRED=1`); users without one
    /// enrol at their next sign-in.
    public var requireMFA = false

    public init(issuer: String) {
        self.issuer = issuer
    }

    public func endpoint(_ path: String) -> String { issuer + path }
}

extension Duration {
    /// Whole and fractional seconds, for date arithmetic.
    public var timeInterval: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
