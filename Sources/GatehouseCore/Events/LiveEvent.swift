import Foundation

/// Something that happened which the people it concerns should hear of at once, without a reload
/// (issue 10 item 5): delivered by `GET /events` as a server-sent event, through a bus every
/// instance reads (`LiveEventBus`), so it arrives whichever instance the watcher is connected to.
public struct LiveEvent: Sendable, Equatable, Codable {
    /// The bus's id for the event, ordered by publication (`1733350000000-0` in Redis); nil before
    /// it is published. `Last-Event-ID` resumes after it.
    public var id: String?
    public var type: LiveEventType
    public var occurredAt: Date
    /// What the stream's `data` line carries, as JSON.
    public var data: [String: String]
    /// Who hears of it; never sent.
    public var audience: LiveEventAudience

    public init(id: String? = nil, type: LiveEventType, occurredAt: Date, data: [String: String], audience: LiveEventAudience) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.data = data
        self.audience = audience
    }
}

/// The event names of the stream (the SSE `event:` field).
public struct LiveEventType: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let invitationAccepted = LiveEventType(rawValue: "invitation.accepted")
    public static let invitationRevoked = LiveEventType(rawValue: "invitation.revoked")
    public static let invitationExpired = LiveEventType(rawValue: "invitation.expired")
}

/// Who hears of an event: one user (an invitation's inviter), and every platform user whose role
/// is at least `platformRole` (the roles above the inviter's). Read against the watcher's roles
/// from the database at delivery, never from a token.
public struct LiveEventAudience: Sendable, Equatable, Codable {
    public var userID: UUID?
    public var platformRole: Role?

    public init(userID: UUID?, platformRole: Role?) {
        self.userID = userID
        self.platformRole = platformRole
    }

    /// The inviter and the platform roles above theirs (`role`: the highest role they hold, nil
    /// for none). An invitation from the server's shell (no inviter) goes to the super admins.
    public static func inviter(_ userID: UUID?, holding role: Role?) -> LiveEventAudience {
        guard userID != nil else { return LiveEventAudience(userID: nil, platformRole: .superAdmin) }
        let above = Role.allCases.filter { $0.isPlatformRole && $0 > (role ?? .clientUser) }.min()
        return LiveEventAudience(userID: userID, platformRole: above)
    }

    public func reaches(_ principal: Principal) -> Bool {
        if let userID, principal.userID == userID { return true }
        guard let needed = platformRole, let held = principal.roles.platformRole else { return false }
        return held >= needed
    }
}
