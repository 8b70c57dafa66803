import Foundation

/// What happened, in the audit trail's words. An extensible set of static members (like
/// `OAuthError.Code`) rather than a closed enum, so rows written by a newer version, or by a
/// flow added later, still read back and verify.
public struct AuditEventType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let signInSucceeded = AuditEventType("sign_in_succeeded")
    public static let signInFailed = AuditEventType("sign_in_failed")
    public static let accountLocked = AuditEventType("account_locked")
    public static let accountUnlocked = AuditEventType("account_unlocked")
    public static let mfaEnrolled = AuditEventType("mfa_enrolled")
    public static let mfaRemoved = AuditEventType("mfa_removed")
    public static let mfaUsed = AuditEventType("mfa_used")
    public static let mfaFailed = AuditEventType("mfa_failed")
    public static let recoveryCodeUsed = AuditEventType("recovery_code_used")
    public static let recoveryCodesRegenerated = AuditEventType("recovery_codes_regenerated")
    public static let passwordChanged = AuditEventType("password_changed")
    public static let passwordReset = AuditEventType("password_reset")
    public static let emailChanged = AuditEventType("email_changed")
    public static let sessionRevoked = AuditEventType("session_revoked")
    public static let signedOutEverywhere = AuditEventType("signed_out_everywhere")
    /// RP-initiated logout (or the user's own confirmation) ended a browser session.
    public static let signedOut = AuditEventType("signed_out")
    public static let tokenReuseDetected = AuditEventType("token_reuse_detected")
    public static let tokenRevoked = AuditEventType("token_revoked")
    public static let consentGranted = AuditEventType("consent_granted")
    public static let consentRevoked = AuditEventType("consent_revoked")
    /// An operator changed something (CLI or admin API); `details["action"]` says what.
    public static let adminAction = AuditEventType("admin_action")
}

/// One security event for the audit trail: what happened, when, who did it (`actor`), to whose
/// account (`subject`), through which client, from where. `details` holds a few short facts
/// (a scope list, a session id), never a secret: the trail is read by operators.
public struct AuditEvent: Sendable, Equatable {
    public var type: AuditEventType
    public var occurredAt: Date
    /// Who acted: `user:<id>`, `client:<id>`, `operator` (CLI), `system`; nil when unknown.
    public var actor: String?
    /// The account concerned.
    public var subject: UUID?
    public var clientID: String?
    public var ip: String?
    public var userAgent: String?
    public var details: [String: String]

    public init(type: AuditEventType, occurredAt: Date, actor: String? = nil, subject: UUID? = nil, clientID: String? = nil,
                ip: String? = nil, userAgent: String? = nil, details: [String: String] = [:]) {
        self.type = type
        self.occurredAt = occurredAt
        self.actor = actor
        self.subject = subject
        self.clientID = clientID
        self.ip = ip
        self.userAgent = userAgent
        self.details = details
    }

    /// The actor string for a signed-in user acting on their own account.
    public static func user(_ id: UUID) -> String { "user:" + id.uuidString.lowercased() }
    /// The actor string for a client acting through a protocol endpoint.
    public static func client(_ id: String) -> String { "client:" + id }

    /// The facts of a failed password sign-in. The email is named only when it is an account's
    /// (then also the event's subject): what people type into the email field is often a
    /// password meant for the next field, and the trail must not keep it.
    public static func signInFailureDetails(account: User?) -> [String: String] {
        var details = ["reason": "invalid_credentials"]
        if let account { details["email"] = account.email }
        return details
    }

    /// The event as it is stored: the time in whole microseconds, NUL characters removed
    /// (PostgreSQL text and jsonb cannot hold them) and long values cut to a number of UTF-8
    /// bytes (the user agent to `UserAgent.maxBytes`), so what is MACed is exactly what reads back.
    public var sanitized: AuditEvent {
        func clean(_ text: String?, _ limit: Int) -> String? {
            text.map { $0.replacingOccurrences(of: "\u{0}", with: "").utf8Prefix(maxBytes: limit) }
        }
        var copy = self
        copy.occurredAt = Date(timeIntervalSince1970: TimeInterval(AuditChain.microseconds(occurredAt)) / 1_000_000)
        copy.actor = clean(actor, 200)
        copy.clientID = clean(clientID, 200)
        copy.ip = clean(ip, 64)
        copy.userAgent = userAgent.map(UserAgent.capped)
        copy.details = Dictionary(details.sorted { $0.key < $1.key }.prefix(32).map { (clean($0.key, 64) ?? "", clean($0.value, 1000) ?? "") },
                                  uniquingKeysWith: { first, _ in first })
        return copy
    }
}

extension AuditEventType {
    public static let invitationCreated = AuditEventType("invitation_created")
    public static let invitationAccepted = AuditEventType("invitation_accepted")
    public static let invitationRevoked = AuditEventType("invitation_revoked")
    public static let invitationResent = AuditEventType("invitation_resent")
    public static let invitationExpired = AuditEventType("invitation_expired")
    public static let organizationCreated = AuditEventType("organization_created")
    public static let organizationUpdated = AuditEventType("organization_updated")
}
