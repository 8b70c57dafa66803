import Foundation

/// A signed-in browser. The cookie carries a random secret; the store keeps only its digest.
/// `id` is the public session identifier used as the ID token's `sid`.
public struct BrowserSession: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    /// When the user last actively authenticated (OIDC Core `auth_time`).
    public var authTime: Date
    /// Authentication methods used (RFC 8176), e.g. ["pwd"].
    public var amr: [String]
    public var createdAt: Date
    public var expiresAt: Date
    public var lastSeenAt: Date
    public var ipAddress: String?
    public var userAgent: String?
    /// The second factor this session proved (`amr` has `mfa`); nil when none was, or for a
    /// session from before it was recorded (which meets only a requirement allowing every method).
    public var secondFactor: ProvenSecondFactor?
    /// Set when an administrator acts as the user (`SupportSignIn`, issue 11 item 8): who, and
    /// why. Nil for the user's own sessions.
    public var support: SupportMark?

    public init(id: UUID, userID: UUID, authTime: Date, amr: [String], createdAt: Date, expiresAt: Date,
                lastSeenAt: Date, ipAddress: String?, userAgent: String?) {
        self.id = id
        self.userID = userID
        self.authTime = authTime
        self.amr = amr
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastSeenAt = lastSeenAt
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }
}

/// What marks a browser session as a support session: the administrator acting as the user and
/// the reason they gave (shown to the user on `/account` and in the audit trail).
public struct SupportMark: Sendable, Equatable {
    public var impersonatorID: UUID
    public var reason: String
    /// The administrator's own session the support session was started from: the support
    /// session ends with it. Nil once that session is gone from the store.
    public var impersonatorSessionID: UUID?

    public init(impersonatorID: UUID, reason: String, impersonatorSessionID: UUID? = nil) {
        self.impersonatorID = impersonatorID
        self.reason = reason
        self.impersonatorSessionID = impersonatorSessionID
    }
}
