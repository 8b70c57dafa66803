import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Invitations against the shared test database: each test has its own organization and addresses.
@Suite("PostgresInvitationStore")
struct PostgresInvitationStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Fixture {
        let invitations: PostgresInvitationStore
        let organizations: PostgresOrganizationStore
        let memberships: PostgresMembershipStore
        let users: PostgresUserStore
        let organization: Organization
    }

    func fixture(pool: PostgresPool? = nil) async throws -> Fixture {
        let pool = try pool ?? TestServices.postgres()
        let organizations = PostgresOrganizationStore(pool: pool)
        let organization = try await organizations.create(Organization(
            id: UUID(), name: "Invited Co", slug: "invited-" + UUID().uuidString.prefix(8).lowercased(), status: .pending,
            createdAt: now, createdBy: nil))
        return Fixture(invitations: PostgresInvitationStore(pool: pool), organizations: organizations,
                       memberships: PostgresMembershipStore(pool: pool), users: PostgresUserStore(pool: pool), organization: organization)
    }

    func email() -> String { "invitee-\(UUID().uuidString.prefix(12).lowercased())@example.test" }

    func invitation(_ email: String, _ role: Role, in organization: Organization?, expires: TimeInterval = 7 * 86_400) -> Invitation {
        Invitation(id: UUID(), email: email, role: role, organizationID: organization?.id, invitedBy: nil, createdAt: now,
                   expiresAt: now.addingTimeInterval(expires))
    }

    func digest() -> [UInt8] { Array(UUID().uuidString.utf8) }

    func newUser(_ email: String) -> User {
        User(id: UUID(), email: email, emailVerified: true, name: "New Person", passwordHash: "$argon2id$test", createdAt: now, updatedAt: now)
    }

    @Test("one pending invitation per address and place: a second answers conflict, another organization is fine")
    func onePending() async throws {
        let f = try await fixture()
        let address = email()
        try await f.invitations.create(invitation(address, .clientUser, in: f.organization), digest: digest())
        await #expect(throws: StoreError.conflict("\(address) has a pending invitation there")) {
            try await f.invitations.create(invitation(address, .clientAdmin, in: f.organization), digest: digest())
        }
        let other = try await f.organizations.create(Organization(id: UUID(), name: "Other", slug: "other-" + UUID().uuidString.prefix(8).lowercased(),
                                                                  status: .active, createdAt: now, createdBy: nil))
        try await f.invitations.create(invitation(address, .clientUser, in: other), digest: digest())
    }

    @Test("accepting as a new person creates the verified account, the membership and activates the organization, once")
    func acceptNewUser() async throws {
        let f = try await fixture()
        let address = email(), token = digest()
        let invited = invitation(address, .clientAdmin, in: f.organization)
        try await f.invitations.create(invited, digest: token)
        let person = newUser(address)
        guard case .accepted(let accepted, let userID) = try await f.invitations.accept(digest: token, as: .newUser(person), now: now) else {
            Issue.record("not accepted")
            return
        }
        #expect(userID == person.id && accepted.acceptedAt == now && accepted.state(at: now) == .accepted)
        #expect(try await f.users.find(email: address)?.emailVerified == true)
        #expect(try await f.memberships.membership(organizationID: f.organization.id, userID: person.id)?.role == .clientAdmin)
        #expect(try await f.organizations.find(id: f.organization.id)?.status == .active)
        #expect(try await f.invitations.accept(digest: token, as: .newUser(newUser(address)), now: now) == .unavailable(.accepted))
        #expect(try await f.invitations.accept(digest: digest(), as: .existingUser(person.id), now: now) == .notFound)
    }

    @Test("two accepts of one link at the same moment make one account")
    func parallelAccepts() async throws {
        let f = try await fixture()
        let address = email(), token = digest()
        try await f.invitations.create(invitation(address, .clientUser, in: f.organization), digest: token)
        let outcomes = try await withThrowingTaskGroup(of: InvitationAcceptance.self) { group in
            for _ in 0..<6 { group.addTask { try await f.invitations.accept(digest: token, as: .newUser(newUser(address)), now: now) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { if case .accepted = $0 { true } else { false } }.count == 1)
        #expect(outcomes.filter { $0 == .unavailable(.accepted) }.count == 5)
        let rows = try await TestServices.postgres().query("SELECT count(*) AS n FROM users WHERE email = $1", [.text(address)])
        #expect(try rows.rows.first?.int("n") == 1)
    }

    @Test("an address with an account by now: emailTaken, and the invitation stays pending for a sign-in")
    func emailTaken() async throws {
        let f = try await fixture()
        let address = email(), token = digest()
        try await f.invitations.create(invitation(address, .clientUser, in: f.organization), digest: token)
        let existing = newUser(address)
        try await f.users.create(existing)
        #expect(try await f.invitations.accept(digest: token, as: .newUser(newUser(address)), now: now) == .emailTaken)
        #expect(try await f.invitations.find(digest: token)?.state(at: now) == .pending)
        guard case .accepted = try await f.invitations.accept(digest: token, as: .existingUser(existing.id), now: now) else {
            Issue.record("the existing account could not accept")
            return
        }
    }

    @Test("an invitation never lowers a role held: a client_admin invited as client_user stays admin; a site_admin invited as operator stays site_admin")
    func neverLowers() async throws {
        let f = try await fixture()
        let admin = newUser(email())
        try await f.users.create(admin)
        try await f.memberships.save(Membership(organizationID: f.organization.id, userID: admin.id, role: .clientAdmin, createdAt: now,
                                                createdBy: nil), at: now, by: nil)
        let token = digest()
        try await f.invitations.create(invitation(admin.email, .clientUser, in: f.organization), digest: token)
        _ = try await f.invitations.accept(digest: token, as: .existingUser(admin.id), now: now)
        #expect(try await f.memberships.membership(organizationID: f.organization.id, userID: admin.id)?.role == .clientAdmin)

        try await f.memberships.setPlatformRole(.siteAdmin, userID: admin.id, at: now, by: nil)
        let platform = digest()
        try await f.invitations.create(invitation(admin.email, .operator, in: nil), digest: platform)
        _ = try await f.invitations.accept(digest: platform, as: .existingUser(admin.id), now: now)
        #expect(try await f.memberships.platformRole(userID: admin.id) == .siteAdmin)

        let someone = newUser(email())
        try await f.users.create(someone)
        let raise = digest()
        try await f.invitations.create(invitation(someone.email, .operator, in: nil), digest: raise)
        _ = try await f.invitations.accept(digest: raise, as: .existingUser(someone.id), now: now)
        #expect(try await f.memberships.platformRole(userID: someone.id) == .operator)
    }

    @Test("revoke, resend and expiry: each leaves a state the link's page can name, and frees the address for a new invitation")
    func lifecycle() async throws {
        // The expiry sweep takes every due row: a database of its own keeps other tests' rows out.
        try await ScratchDatabase.with(migrations: PostgresOrganizationStoreTests.allMigrations) { pool in
            try await lifecycle(try await fixture(pool: pool))
        }
    }

    func lifecycle(_ f: Fixture) async throws {
        let address = email(), first = digest()
        let original = invitation(address, .clientUser, in: f.organization)
        try await f.invitations.create(original, digest: first)

        let second = digest()
        let resent = invitation(address, .clientUser, in: f.organization)
        #expect(try await f.invitations.replace(id: original.id, with: resent, digest: second, at: now)?.replacedBy == resent.id)
        #expect(try await f.invitations.find(digest: first)?.state(at: now) == .replaced)
        #expect(try await f.invitations.accept(digest: first, as: .newUser(newUser(address)), now: now) == .unavailable(.replaced))
        #expect(try await f.invitations.replace(id: original.id, with: invitation(address, .clientUser, in: f.organization),
                                                digest: digest(), at: now) == nil, "a replaced invitation cannot be resent")

        #expect(try await f.invitations.revoke(id: resent.id, at: now, by: nil)?.state(at: now) == .revoked)
        #expect(try await f.invitations.revoke(id: resent.id, at: now, by: nil) == nil)
        #expect(try await f.invitations.accept(digest: second, as: .newUser(newUser(address)), now: now) == .unavailable(.revoked))

        let short = invitation(address, .clientUser, in: f.organization, expires: 60)
        try await f.invitations.create(short, digest: digest())
        let later = now.addingTimeInterval(61)
        #expect(try await f.invitations.find(id: short.id)?.state(at: later) == .expired)
        let swept = try await f.invitations.expire(now: later, limit: 10_000)
        #expect(swept.contains { $0.id == short.id })
        #expect(try await !f.invitations.expire(now: later, limit: 10_000).contains { $0.id == short.id }, "announced once")
        try await f.invitations.create(invitation(address, .clientUser, in: f.organization), digest: digest())

        let listed = try await f.invitations.list(invitedBy: nil, organizationID: f.organization.id, before: nil, limit: 2)
        let rest = try await f.invitations.list(invitedBy: nil, organizationID: f.organization.id,
                                                before: InvitationCursor(after: try #require(listed.last)), limit: 10)
        #expect(listed.count + rest.count == 4)
        #expect(Set((listed + rest).map(\.id)).count == 4)
    }
}
