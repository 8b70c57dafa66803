import Foundation
import GatehouseCore

/// Issue 10's Core services over one set of stores (the twins, or PostgreSQL), with a test clock,
/// an audit log to read and helpers that seat people in roles, for `OrganizationServiceChecks`.
/// The people the checks act as are read back through `Principals`, as the pages, the API and
/// the CLI do on every call: what they hold comes from the stores, never from the check.
public struct OrganizationServiceWorld: Sendable {
    public let stores: DurableStores
    public let clock: TestClock
    public let audit: InMemoryAuditLog
    /// Every invitation link the services mailed.
    public let mail: RecordingInvitationMail
    public let administration: OrganizationAdministration
    public let customRoles: CustomRoles
    public let invitations: Invitations
    public let bootstrap: PlatformBootstrap
    public let principals: Principals

    public init(_ stores: DurableStores) {
        let clock = TestClock(Fixtures.now), audit = InMemoryAuditLog(), mail = RecordingInvitationMail()
        self.stores = stores
        self.clock = clock
        self.audit = audit
        self.mail = mail
        administration = OrganizationAdministration(organizations: stores.organizations, memberships: stores.memberships,
                                                    users: stores.users, audit: audit, clock: clock)
        customRoles = CustomRoles(roles: stores.customRoles, organizations: stores.organizations, memberships: stores.memberships,
                                  users: stores.users, audit: audit, clock: clock)
        invitations = Invitations(invitations: stores.invitations, organizations: stores.organizations, memberships: stores.memberships,
                                  users: stores.users, crypto: TestCrypto(), audit: audit, clock: clock, mail: mail)
        bootstrap = PlatformBootstrap(invitations: invitations)
        principals = Principals(memberships: stores.memberships, customRoles: stores.customRoles)
    }

    /// A new account (no role yet).
    public func person() async throws -> User {
        try await Fixtures.createdUser(stores, at: clock.now)
    }

    /// A new, active organization created at the shell.
    public func organization(_ name: String = "Acme") async throws -> Organization {
        try await stores.organizations.create(Organization(id: UUID(), name: name, slug: Fixtures.unique("org"), status: .active,
                                                           createdAt: clock.now, createdBy: nil))
    }

    /// A new account holding `role`: a platform role, or `role` in `organization`; as the
    /// services see it (read from the stores).
    public func holder(_ role: Role, in organization: Organization? = nil) async throws -> Principal {
        let user = try await person()
        try await seat(user.id, role, in: organization)
        return try await principals.principal(userID: user.id)
    }

    /// Gives an account `role` directly in the stores (outside the services, as setup).
    public func seat(_ userID: UUID, _ role: Role, in organization: Organization? = nil) async throws {
        if role.isPlatformRole {
            try await stores.memberships.setPlatformRole(role, userID: userID, at: clock.now, by: nil)
        } else {
            guard let organization else { throw ServiceCheckError("\(role.rawValue) needs an organization") }
            try await stores.memberships.save(Membership(organizationID: organization.id, userID: userID, role: role,
                                                         createdAt: clock.now, createdBy: nil), at: clock.now, by: nil)
        }
    }

    /// The principal of the account as the stores have it now.
    public func principal(_ userID: UUID?) async throws -> Principal {
        guard let userID else { return .serverOperator }
        return try await principals.principal(userID: userID)
    }

    /// A permission defined at the shell.
    public func permission(_ prefix: String = "reports") async throws -> String {
        let name = Fixtures.unique(prefix).replacingOccurrences(of: "-", with: "_") + ":read"
        _ = try await customRoles.definePermission(name, by: .serverOperator)
        return name
    }

    /// The audit events of one type, in order.
    public func events(_ type: AuditEventType) async -> [AuditEvent] {
        await audit.events(ofType: type)
    }
}

struct ServiceCheckError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
