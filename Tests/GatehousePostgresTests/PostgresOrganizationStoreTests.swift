import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Organizations, platform roles and memberships against the shared test database (migrated by
/// `./dev test`); each test makes its own users and organizations with unique names.
@Suite("PostgresOrganizationStore and PostgresMembershipStore")
struct PostgresOrganizationStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func stores() throws -> (PostgresOrganizationStore, PostgresMembershipStore, PostgresUserStore) {
        let pool = try TestServices.postgres()
        return (PostgresOrganizationStore(pool: pool), PostgresMembershipStore(pool: pool), PostgresUserStore(pool: pool))
    }

    func user(_ users: PostgresUserStore) async throws -> UUID {
        let user = User(id: UUID(), email: "org-\(UUID().uuidString.lowercased())@example.test", emailVerified: true,
                        passwordHash: nil, createdAt: now, updatedAt: now)
        try await users.create(user)
        return user.id
    }

    func organization(_ name: String, slug: String? = nil, by creator: UUID? = nil) -> Organization {
        Organization(id: UUID(), name: name, slug: slug ?? OrganizationNames.slug(from: name), status: .pending,
                     createdAt: now, createdBy: creator)
    }

    @Test("a taken slug gets the next free numeric suffix; find by id and by slug; the policy round-trips")
    func createAndFind() async throws {
        let (organizations, _, _) = try stores()
        let base = "acme-" + UUID().uuidString.prefix(8).lowercased()
        let first = try await organizations.create(organization("Acme", slug: base))
        let second = try await organizations.create(organization("Acme again", slug: base))
        let third = try await organizations.create(organization("Acme thrice", slug: base))
        #expect([first.slug, second.slug, third.slug] == [base, base + "-2", base + "-3"])
        #expect(try await organizations.find(slug: base + "-2") == second)
        #expect(try await organizations.find(id: third.id) == third)
        #expect(try await organizations.find(id: UUID()) == nil)

        var changed = first
        changed.name = "Acme Ltd"
        changed.status = .active
        changed.secondFactor = .required([.authenticatorApp])
        changed.updatedAt = now.addingTimeInterval(60)
        #expect(try await organizations.update(changed) == changed)
        #expect(try await organizations.find(id: first.id)?.secondFactor == .required([.authenticatorApp]))
    }

    @Test("listing matches names case-insensitively, treats % and _ literally, and pages by keyset")
    func listing() async throws {
        let (organizations, _, _) = try stores()
        let tag = "zq" + UUID().uuidString.prefix(6).lowercased()
        for name in ["\(tag) Alpha", "\(tag) beta", "\(tag) Gamma 100%", "\(tag) delta_x"] {
            _ = try await organizations.create(organization(name))
        }
        let all = try await organizations.list(matching: tag.uppercased(), after: nil, limit: 10)
        #expect(all.map(\.name) == ["\(tag) Alpha", "\(tag) Gamma 100%", "\(tag) beta", "\(tag) delta_x"], "ordered by name (C collation)")
        #expect(try await organizations.list(matching: "\(tag) gamma 100%", after: nil, limit: 10).count == 1)
        #expect(try await organizations.list(matching: "\(tag) %", after: nil, limit: 10).isEmpty, "% is not a wildcard")
        #expect(try await organizations.list(matching: "a_x", after: nil, limit: 10).filter { $0.name.hasPrefix(tag) }.map(\.name)
                == ["\(tag) delta_x"])
        let page1 = try await organizations.list(matching: tag, after: nil, limit: 2)
        let page2 = try await organizations.list(matching: tag, after: OrganizationCursor(after: try #require(page1.last)), limit: 2)
        #expect((page1 + page2).map(\.id) == all.map(\.id))
    }

    /// Every migration, for a scratch database of one test's own (counts over the whole table).
    static var allMigrations: [String] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations")
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".sql") }.sorted()
    }

    @Test("platform roles: one per user, replaced, taken away, counted (in a database of its own: counts are global)")
    func platformRoles() async throws {
        try await ScratchDatabase.with(migrations: Self.allMigrations) { pool in
            try await platformRoles(memberships: PostgresMembershipStore(pool: pool), users: PostgresUserStore(pool: pool))
        }
    }

    func platformRoles(memberships: PostgresMembershipStore, users: PostgresUserStore) async throws {
        let someone = try await user(users)
        #expect(try await memberships.platformRole(userID: someone) == nil)
        try await memberships.setPlatformRole(.operator, userID: someone, at: now, by: nil)
        try await memberships.setPlatformRole(.siteAdmin, userID: someone, at: now, by: nil)
        #expect(try await memberships.platformRole(userID: someone) == .siteAdmin)
        let before = try await memberships.count(platformRole: .siteAdmin)
        try await memberships.setPlatformRole(nil, userID: someone, at: now, by: nil)
        #expect(try await memberships.platformRole(userID: someone) == nil)
        #expect(try await memberships.count(platformRole: .siteAdmin) == before - 1)
        await #expect(throws: StoreError.invalid("client_admin is not a platform role")) {
            try await memberships.setPlatformRole(.clientAdmin, userID: someone, at: now, by: nil)
        }
    }

    @Test("memberships: added, role changed keeping when they joined, paged by keyset, removed; a gone user is a conflict")
    func memberships() async throws {
        let (organizations, memberships, users) = try stores()
        let admin = try await user(users)
        let org = try await organizations.create(organization("Members " + UUID().uuidString.prefix(6), by: admin))
        var joined: [UUID] = []
        for index in 0..<5 {
            let member = try await user(users)
            try await memberships.save(Membership(organizationID: org.id, userID: member, role: .clientUser,
                                                  createdAt: now.addingTimeInterval(Double(index)), createdBy: admin), at: now, by: admin)
            joined.append(member)
        }
        try await memberships.save(Membership(organizationID: org.id, userID: joined[2], role: .clientAdmin,
                                              createdAt: now.addingTimeInterval(999), createdBy: admin), at: now, by: admin)
        let promoted = try #require(try await memberships.membership(organizationID: org.id, userID: joined[2]))
        #expect(promoted.role == .clientAdmin && promoted.createdAt == now.addingTimeInterval(2), "joined when it first joined")
        #expect(try await memberships.count(organizationID: org.id, role: .clientAdmin) == 1)

        let first = try await memberships.members(organizationID: org.id, after: nil, limit: 3)
        let rest = try await memberships.members(organizationID: org.id, after: MembershipCursor(after: try #require(first.last).membership),
                                                 limit: 3)
        #expect((first + rest).map(\.membership.userID) == joined)
        #expect(try await memberships.memberships(userID: joined[0]).map(\.organizationID) == [org.id])

        #expect(try await memberships.remove(organizationID: org.id, userID: joined[0]))
        #expect(try await !memberships.remove(organizationID: org.id, userID: joined[0]))
        await #expect(throws: StoreError.conflict("the organization or the user no longer exists")) {
            try await memberships.save(Membership(organizationID: org.id, userID: UUID(), role: .clientUser, createdAt: now,
                                                  createdBy: nil), at: now, by: nil)
        }
        await #expect(throws: StoreError.invalid("operator is a platform role")) {
            try await memberships.save(Membership(organizationID: org.id, userID: admin, role: .operator, createdAt: now,
                                                  createdBy: nil), at: now, by: nil)
        }
    }
}
