import Foundation

/// Everything Gatehouse stores about one account, as one JSON document (GDPR Art. 15 and 20):
/// the profile and status, platform role, memberships, custom roles, consents, live sessions,
/// second factors (which and when, never a secret), the support sign-ins as the user (who, when,
/// why) and the audit events about or by the user.
/// Secrets (password hash, factor secrets, recovery codes, token digests) are never in it.
public struct UserExport: Sendable, Encodable, Equatable {
    public struct Profile: Sendable, Encodable, Equatable {
        public var id: String
        public var email: String
        public var emailVerified: Bool
        public var name: String?
        public var givenName: String?
        public var familyName: String?
        public var picture: String?
        public var status: String
        public var hasPassword: Bool
        public var createdAt: String
        public var updatedAt: String
        public var passwordChangedAt: String?
    }

    public struct MembershipEntry: Sendable, Encodable, Equatable {
        public var organizationID: String
        public var organizationSlug: String?
        public var organizationName: String?
        public var role: String
        public var since: String
    }

    public struct CustomRoleEntry: Sendable, Encodable, Equatable {
        public var name: String
        public var organizationID: String?
        public var permissions: [String]
    }

    public struct ConsentEntry: Sendable, Encodable, Equatable {
        public var clientID: String
        public var clientName: String
        public var scopes: [String]
        public var grantedAt: String
    }

    public struct SessionEntry: Sendable, Encodable, Equatable {
        public var id: String
        public var signedInAt: String
        public var lastSeenAt: String
        public var expiresAt: String
        public var methods: [String]
        public var ipAddress: String?
        public var userAgent: String?
    }

    /// An administrator who signed in as the user for support (issue 11 item 8).
    public struct SupportSignInEntry: Sendable, Encodable, Equatable {
        public var administratorID: String?
        public var administratorEmail: String?
        public var reason: String
        public var startedAt: String
        public var endedAt: String
    }

    public struct FactorEntry: Sendable, Encodable, Equatable {
        public var kind: String
        public var createdAt: String
        public var confirmedAt: String?
    }

    public struct AuditEntry: Sendable, Encodable, Equatable {
        public var id: Int64
        public var type: String
        public var occurredAt: String
        public var actor: String?
        public var subject: String?
        public var clientID: String?
        public var ip: String?
        public var userAgent: String?
        public var details: [String: String]
    }

    public var exportedAt: String
    public var profile: Profile
    public var platformRole: String?
    public var memberships: [MembershipEntry]
    public var customRoles: [CustomRoleEntry]
    public var consents: [ConsentEntry]
    public var sessions: [SessionEntry]
    public var supportSignIns: [SupportSignInEntry]
    public var secondFactors: [FactorEntry]
    public var auditEvents: [AuditEntry]

    /// The document as UTF-8 JSON, keys sorted, snake_case.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Array(try encoder.encode(self))
    }
}

/// Gathers a `UserExport` from the stores (one read each).
public struct UserExporter: Sendable {
    let memberships: any MembershipStore
    let organizations: any OrganizationStore
    let customRoles: any CustomRoleStore
    let consents: any ConsentStore
    let sessions: any SessionStore
    let factors: any MFACredentialStore
    let lifecycle: any UserLifecycleStore
    let clock: any Clock

    /// The most audit events one export carries (the newest).
    public static let auditEventLimit = 10_000

    public init(memberships: any MembershipStore, organizations: any OrganizationStore, customRoles: any CustomRoleStore,
                consents: any ConsentStore, sessions: any SessionStore, factors: any MFACredentialStore,
                lifecycle: any UserLifecycleStore, clock: any Clock) {
        self.memberships = memberships
        self.organizations = organizations
        self.customRoles = customRoles
        self.consents = consents
        self.sessions = sessions
        self.factors = factors
        self.lifecycle = lifecycle
        self.clock = clock
    }

    public func export(_ user: User) async throws -> UserExport {
        let now = clock.now
        var memberships: [UserExport.MembershipEntry] = []
        for membership in try await self.memberships.memberships(userID: user.id) {
            let organization = try await organizations.find(id: membership.organizationID)
            memberships.append(.init(organizationID: Self.text(membership.organizationID), organizationSlug: organization?.slug,
                                     organizationName: organization?.name, role: membership.role.rawValue,
                                     since: Self.time(membership.createdAt)))
        }
        return UserExport(
            exportedAt: Self.time(now),
            profile: .init(id: Self.text(user.id), email: user.email, emailVerified: user.emailVerified, name: user.name,
                           givenName: user.givenName, familyName: user.familyName, picture: user.picture,
                           status: user.status.rawValue, hasPassword: user.passwordHash != nil,
                           createdAt: Self.time(user.createdAt), updatedAt: Self.time(user.updatedAt),
                           passwordChangedAt: user.passwordChangedAt.map(Self.time)),
            platformRole: try await self.memberships.platformRole(userID: user.id)?.rawValue,
            memberships: memberships,
            customRoles: try await customRoles.assignedRoles(userID: user.id).map {
                .init(name: $0.name, organizationID: $0.organizationID.map(Self.text), permissions: $0.permissions.sorted())
            },
            consents: try await consents.list(userID: user.id).map {
                .init(clientID: $0.clientID, clientName: $0.clientName, scopes: $0.scopes, grantedAt: Self.time($0.grantedAt))
            },
            sessions: try await sessions.list(userID: user.id, now: now).map {
                .init(id: Self.text($0.id), signedInAt: Self.time($0.authTime), lastSeenAt: Self.time($0.lastSeenAt),
                      expiresAt: Self.time($0.expiresAt), methods: $0.amr, ipAddress: $0.ipAddress, userAgent: $0.userAgent)
            },
            supportSignIns: try await sessions.supportSignIns(userID: user.id, limit: 1000).map {
                .init(administratorID: $0.impersonatorID.map(Self.text), administratorEmail: $0.impersonatorEmail, reason: $0.reason,
                      startedAt: Self.time($0.startedAt), endedAt: Self.time($0.endedAt))
            },
            secondFactors: try await factors.credentials(userID: user.id).filter(\.isConfirmed).map {
                .init(kind: $0.kind.rawValue, createdAt: Self.time($0.createdAt), confirmedAt: $0.confirmedAt.map(Self.time))
            },
            auditEvents: try await lifecycle.auditEvents(concerning: user.id, limit: Self.auditEventLimit).map { record in
                let event = record.revealedEvent
                return .init(id: record.id, type: event.type.rawValue, occurredAt: Self.time(event.occurredAt), actor: event.actor,
                             subject: event.subject.map(Self.text), clientID: event.clientID, ip: event.ip,
                             userAgent: event.userAgent, details: event.details)
            })
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func time(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
