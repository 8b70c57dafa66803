import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// The invitation service on the real stores: the rules around `RoleRules` (places, 404 for
/// other organizations, 409s), the link's life, and the audit trail.
@Suite("Invitations: inviting, accepting, revoking and resending")
struct InvitationsServiceTests {
    /// Collects audit events in memory.
    final class RecordedAudit: AuditLog, @unchecked Sendable {
        private let lock = NSLock()
        private var recorded: [AuditEvent] = []
        func record(_ event: AuditEvent) async { lock.withLock { recorded.append(event) } }
        var types: [String] { lock.withLock { recorded.map(\.type.rawValue) } }
    }

    struct World {
        let service: Invitations
        let audit: RecordedAudit
        let clock: TestClock
        let users: PostgresUserStore
        let memberships: PostgresMembershipStore
        let organizations: PostgresOrganizationStore
        /// What the service announced (`GET /events` reads the same bus in Redis).
        let events: InMemoryLiveEventBus
    }

    func world(pool: PostgresPool? = nil) throws -> World {
        let pool = try pool ?? TestServices.postgres()
        let audit = RecordedAudit(), clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let users = PostgresUserStore(pool: pool), memberships = PostgresMembershipStore(pool: pool)
        let organizations = PostgresOrganizationStore(pool: pool)
        let events = InMemoryLiveEventBus(clock: clock)
        let service = Invitations(invitations: PostgresInvitationStore(pool: pool), organizations: organizations, memberships: memberships,
                                  users: users, crypto: OpenSSLCrypto(), audit: audit, clock: clock, events: events)
        return World(service: service, audit: audit, clock: clock, users: users, memberships: memberships, organizations: organizations,
                     events: events)
    }

    func email() -> String { "svc-\(UUID().uuidString.prefix(12).lowercased())@example.test" }

    func person(_ world: World, _ address: String? = nil) -> User {
        User(id: UUID(), email: address ?? email(), emailVerified: true, name: "Pat Doe", passwordHash: "$argon2id$test",
             createdAt: world.clock.now, updatedAt: world.clock.now)
    }

    /// A signed-up user holding `role` (platform), or `role` in a new organization; returns the principal and organization.
    func admin(_ world: World, _ role: Role) async throws -> (Principal, Organization?) {
        let user = person(world)
        try await world.users.create(user)
        if role.isPlatformRole {
            try await world.memberships.setPlatformRole(role, userID: user.id, at: world.clock.now, by: nil)
            return (Principal(userID: user.id, roles: RoleRules.Actor(platformRole: role)), nil)
        }
        let organization = try await world.organizations.create(Organization(
            id: UUID(), name: "Org", slug: "svc-" + UUID().uuidString.prefix(8).lowercased(), status: .active,
            createdAt: world.clock.now, createdBy: nil))
        try await world.memberships.save(Membership(organizationID: organization.id, userID: user.id, role: role,
                                                    createdAt: world.clock.now, createdBy: nil), at: world.clock.now, by: nil)
        return (Principal(userID: user.id, roles: RoleRules.Actor(organizationRoles: [organization.id: role])), organization)
    }

    @Test("an operator invites a client_admin with an organization name: the organization exists, pending; accepting activates it")
    func newOrganization() async throws {
        let world = try world()
        let (operatorPrincipal, _) = try await admin(world, .operator)
        let address = email()
        let issued = try await world.service.invite(email: " \(address.uppercased()) ", role: .clientAdmin,
                                                    place: .newOrganization(name: "  Umbrella Corp "), by: operatorPrincipal)
        let organization = try #require(issued.organization)
        #expect(organization.name == "Umbrella Corp" && organization.status == .pending && organization.slug.hasPrefix("umbrella-corp"))
        #expect(issued.invitation.email == address && issued.token.count == 43, "256 bits, base64url")
        #expect(issued.invitation.expiresAt.timeIntervalSince(issued.invitation.createdAt) == 7 * 86_400, "GATEHOUSE_INVITE_TTL's default")

        let details = try #require(try await world.service.details(token: issued.token))
        #expect(details.state == .pending && details.organization?.id == organization.id && details.inviterName == "Pat Doe")
        #expect(try await world.service.details(token: issued.token + "x") == nil, "a tampered link names nothing")

        let newcomer = person(world, address)
        guard case .accepted = try await world.service.accept(token: issued.token, as: .newUser(newcomer)) else {
            Issue.record("not accepted")
            return
        }
        #expect(try await world.organizations.find(id: organization.id)?.status == .active)
        #expect(world.audit.types == ["organization_created", "invitation_created", "invitation_accepted"])
    }

    @Test("a client_admin invites client_users to their own organization only; another organization's id is 404")
    func clientAdminScope() async throws {
        let world = try world()
        let (clientAdmin, own) = try await admin(world, .clientAdmin)
        let (_, other) = try await admin(world, .clientAdmin)
        _ = try await world.service.invite(email: email(), role: .clientUser, place: .organization(try #require(own).id), by: clientAdmin)
        await #expect(throws: Invitations.Refusal.notFound) {
            try await world.service.invite(email: email(), role: .clientUser, place: .organization(try #require(other).id), by: clientAdmin)
        }
        await #expect(throws: Invitations.Refusal.notPermitted) {
            try await world.service.invite(email: email(), role: .clientAdmin, place: .organization(try #require(own).id), by: clientAdmin)
        }
        await #expect(throws: Invitations.Refusal.notPermitted) {
            try await world.service.invite(email: email(), role: .clientAdmin, place: .newOrganization(name: "Mine"), by: clientAdmin)
        }
        await #expect(throws: Invitations.Refusal.notFound) {
            try await world.service.list(organizationID: try #require(other).id, by: clientAdmin, before: nil, limit: 10)
        }
    }

    @Test("bad input and duplicates: a wrong place, a bad address, a member, a pending invitation")
    func refusals() async throws {
        let world = try world()
        let (siteAdmin, _) = try await admin(world, .siteAdmin)
        let (clientAdmin, organization) = try await admin(world, .clientAdmin)
        let place = Invitations.Place.organization(try #require(organization).id)
        await #expect(throws: Invitations.Refusal.placeDoesNotFitRole) {
            try await world.service.invite(email: email(), role: .operator, place: place, by: siteAdmin)
        }
        await #expect(throws: Invitations.Refusal.placeDoesNotFitRole) {
            try await world.service.invite(email: email(), role: .clientAdmin, place: .platform, by: siteAdmin)
        }
        await #expect(throws: Invitations.Refusal.invalidEmail) {
            try await world.service.invite(email: "not an address", role: .operator, place: .platform, by: siteAdmin)
        }
        await #expect(throws: Invitations.Refusal.invalidOrganizationName) {
            try await world.service.invite(email: email(), role: .clientAdmin, place: .newOrganization(name: " \u{7} "), by: siteAdmin)
        }
        await #expect(throws: Invitations.Refusal.notFound) {
            try await world.service.invite(email: email(), role: .clientAdmin, place: .organization(UUID()), by: siteAdmin)
        }
        await #expect(throws: Invitations.Refusal.notPermitted, "site_admin invites operators and client_admins, not client_users") {
            try await world.service.invite(email: email(), role: .clientUser, place: place, by: siteAdmin)
        }
        let address = email()
        _ = try await world.service.invite(email: address, role: .clientAdmin, place: place, by: siteAdmin)
        await #expect(throws: Invitations.Refusal.alreadyInvited) {
            try await world.service.invite(email: address, role: .clientUser, place: place, by: clientAdmin)
        }
        let member = person(world)
        try await world.users.create(member)
        try await world.memberships.save(Membership(organizationID: try #require(organization).id, userID: member.id, role: .clientUser,
                                                    createdAt: world.clock.now, createdBy: nil), at: world.clock.now, by: nil)
        await #expect(throws: Invitations.Refusal.alreadyMember) {
            try await world.service.invite(email: member.email, role: .clientUser, place: place, by: clientAdmin)
        }
        // A member may still be invited to a higher role there.
        _ = try await world.service.invite(email: member.email, role: .clientAdmin, place: place, by: siteAdmin)
    }

    @Test("revoke and resend: by whoever could invite, never from outside; a resent link replaces the old one")
    func revokeAndResend() async throws {
        let world = try world()
        let (clientAdmin, organization) = try await admin(world, .clientAdmin)
        let (stranger, _) = try await admin(world, .clientAdmin)
        let (siteAdmin, _) = try await admin(world, .siteAdmin)
        let place = Invitations.Place.organization(try #require(organization).id)
        let first = try await world.service.invite(email: email(), role: .clientAdmin, place: place, by: siteAdmin)
        await #expect(throws: Invitations.Refusal.notFound) { try await world.service.revoke(id: first.invitation.id, by: stranger) }
        await #expect(throws: Invitations.Refusal.notFound) { try await world.service.resend(id: first.invitation.id, by: stranger) }

        await #expect(throws: Invitations.Refusal.notPermitted, "a client_admin cannot resend what they could not send") {
            try await world.service.resend(id: first.invitation.id, by: clientAdmin)
        }
        let resent = try await world.service.resend(id: first.invitation.id, by: siteAdmin)
        #expect(resent.token != first.token)
        #expect(try await world.service.details(token: first.token)?.state == .replaced)
        #expect(try await world.service.details(token: resent.token)?.state == .pending)
        await #expect(throws: Invitations.Refusal.notPending(.replaced)) {
            try await world.service.revoke(id: first.invitation.id, by: siteAdmin)
        }
        #expect(try await world.service.revoke(id: resent.invitation.id, by: siteAdmin).state(at: world.clock.now) == .revoked)
        #expect(try await world.service.accept(token: resent.token, as: .newUser(person(world))) == .unavailable(.revoked))
        let listed = try await world.service.list(organizationID: try #require(organization).id, by: clientAdmin, before: nil, limit: 10)
        #expect(listed.map(\.id) == [resent.invitation.id, first.invitation.id])
    }

    @Test("an invitation past its time expires: the link says so, the sweep audits it once")
    func expiry() async throws {
        // The sweep takes every due row: a database of its own keeps other tests' invitations out.
        try await ScratchDatabase.with(migrations: PostgresOrganizationStoreTests.allMigrations) { pool in
            try await expiry(try world(pool: pool))
        }
    }

    func expiry(_ world: World) async throws {
        let (operatorPrincipal, _) = try await admin(world, .operator)
        let issued = try await world.service.invite(email: email(), role: .clientAdmin, place: .newOrganization(name: "Late Ltd"),
                                                    by: operatorPrincipal)
        world.clock.advance(by: 7 * 86_400 + 1)
        #expect(try await world.service.details(token: issued.token)?.state == .expired)
        #expect(try await world.service.accept(token: issued.token, as: .newUser(person(world))) == .unavailable(.expired))
        #expect(try await world.service.expireDue(limit: 100_000).contains { $0.id == issued.invitation.id })
        #expect(try await !world.service.expireDue(limit: 100_000).contains { $0.id == issued.invitation.id })
        #expect(world.audit.types.filter { $0 == "invitation_expired" }.count >= 1)
        let announced = try await world.events.events(after: .start, limit: 100).filter { $0.data["invitation_id"] == issued.invitation.id.uuidString.lowercased() }
        #expect(announced.map(\.type) == [.invitationExpired], "announced once, like the audit event")
        #expect(announced.first?.audience == LiveEventAudience(userID: operatorPrincipal.userID, platformRole: .siteAdmin))
    }

    @Test("accepting and revoking are announced to the inviter and the platform roles above theirs, read from the database")
    func announcements() async throws {
        let world = try world()
        let (clientAdmin, organization) = try await admin(world, .clientAdmin)
        let accepted = try await world.service.invite(email: email(), role: .clientUser, place: .organization(try #require(organization).id),
                                                      by: clientAdmin)
        let newcomer = person(world, accepted.invitation.email)
        guard case .accepted = try await world.service.accept(token: accepted.token, as: .newUser(newcomer)) else {
            Issue.record("not accepted")
            return
        }
        let (siteAdmin, _) = try await admin(world, .siteAdmin)
        let revoked = try await world.service.invite(email: email(), role: .operator, place: .platform, by: siteAdmin)
        _ = try await world.service.revoke(id: revoked.invitation.id, by: siteAdmin)
        let fromShell = try await world.service.invite(email: email(), role: .siteAdmin, place: .platform, by: .serverOperator)
        _ = try await world.service.revoke(id: fromShell.invitation.id, by: .serverOperator)

        let events = try await world.events.events(after: .start, limit: 100)
        #expect(events.map(\.type) == [.invitationAccepted, .invitationRevoked, .invitationRevoked])
        #expect(events[0].audience == LiveEventAudience(userID: clientAdmin.userID, platformRole: .operator))
        #expect(events[0].data["invitation_id"] == accepted.invitation.id.uuidString.lowercased())
        #expect(events[0].data["user_id"] == newcomer.id.uuidString.lowercased())
        #expect(events[0].data["role"] == "client_user")
        #expect(events[1].audience == LiveEventAudience(userID: siteAdmin.userID, platformRole: .superAdmin))
        #expect(events[2].audience == LiveEventAudience(userID: nil, platformRole: .superAdmin), "the shell's invitations: the super admins")
        #expect(try await world.events.newestID() == events[2].id.flatMap(LiveEventID.init))
    }
}
