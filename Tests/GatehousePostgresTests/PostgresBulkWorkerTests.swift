import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// Bulk jobs on PostgreSQL through the real worker (issue 11 item 4): every item checked against
/// the rules as the requester is now, a bad item reported while the rest go on, a dry run that
/// changes nothing, a worker that dies mid-job and two workers at once, each item applied
/// exactly once. Each test in a database of its own (a worker claims from every job there).
@Suite("Bulk jobs on PostgreSQL")
struct PostgresBulkWorkerTests {
    /// The services over one scratch database, as `serve` composes them.
    struct World {
        let pool: PostgresPool
        let clock = TestClock()
        let bus: InMemoryLiveEventBus
        let users: PostgresUserStore
        let memberships: PostgresMembershipStore
        let organizations: PostgresOrganizationStore
        let jobs: BulkJobs
        let store: PostgresBulkJobStore
        let handlers: BulkHandlers
        let principals: Principals
        let audit: PostgresAuditLog
        let lifecycle: UserLifecycle

        init(_ pool: PostgresPool) {
            self.pool = pool
            bus = InMemoryLiveEventBus(clock: clock)
            users = PostgresUserStore(pool: pool)
            memberships = PostgresMembershipStore(pool: pool)
            organizations = PostgresOrganizationStore(pool: pool)
            let customRoles = PostgresCustomRoleStore(pool: pool)
            audit = PostgresAuditLog(pool: pool, key: Array("an audit key of thirty-two bytes".utf8), crypto: OpenSSLCrypto(),
                                     logger: TestServices.logger)
            lifecycle = UserLifecycle(users: users, memberships: memberships,
                                      store: PostgresUserLifecycleStore(pool: pool, messageIDDomain: "id.test"), audit: audit, clock: clock)
            let administration = OrganizationAdministration(organizations: organizations, memberships: memberships, users: users,
                                                            audit: audit, clock: clock)
            let roles = CustomRoles(roles: customRoles, organizations: organizations, memberships: memberships, users: users, audit: audit,
                                    clock: clock)
            let invitations = Invitations(invitations: PostgresInvitationStore(pool: pool), organizations: organizations,
                                          memberships: memberships, users: users, crypto: OpenSSLCrypto(), audit: audit, clock: clock)
            handlers = BulkUserActions.handlers(lifecycle: lifecycle, administration: administration, customRoles: roles,
                                                invitations: invitations)
            store = PostgresBulkJobStore(pool: pool)
            principals = Principals(memberships: memberships, customRoles: customRoles)
            jobs = BulkJobs(store: store, handlers: handlers,
                            directory: UserDirectory(store: PostgresUserDirectoryStore(pool: pool), memberships: memberships),
                            audit: audit, clock: clock)
        }

        func worker(lease: TimeInterval = 60, batchSize: Int = 10) -> BulkWorker {
            BulkWorker(store: store, handlers: handlers, principals: principals, users: users,
                       progress: BulkProgress(events: bus, clock: clock), audit: audit, clock: clock, batchSize: batchSize, lease: lease)
        }

        func user(_ role: Role? = nil, in organization: UUID? = nil, status: AccountStatus = .active) async throws -> UUID {
            let id = UUID(), now = clock.now
            try await users.create(User(id: id, email: "\(id.uuidString.lowercased())@example.test", emailVerified: true, name: "Person",
                                        passwordHash: "x", createdAt: now, updatedAt: now))
            if let role, role.isPlatformRole {
                try await memberships.setPlatformRole(role, userID: id, at: now, by: nil)
            } else if let role, let organization {
                try await memberships.save(Membership(organizationID: organization, userID: id, role: role, createdAt: now, createdBy: nil),
                                           at: now, by: nil)
            }
            if status != .active {
                _ = try await PostgresUserLifecycleStore(pool: pool, messageIDDomain: "id.test").changeStatus(
                    userID: id, from: [.active], to: status, notBefore: now, by: nil, at: now)
            }
            return id
        }

        func organization() async throws -> UUID {
            let id = UUID()
            _ = try await organizations.create(Organization(id: id, name: "Org \(id.uuidString.prefix(8))",
                                                            slug: "org-\(id.uuidString.prefix(8).lowercased())", status: .active,
                                                            createdAt: clock.now, createdBy: nil))
            return id
        }

        func principal(_ id: UUID) async throws -> Principal { try await principals.principal(userID: id) }

        func status(_ id: UUID) async throws -> AccountStatus? { try await users.find(id: id)?.status }

        /// How many `type` events the trail holds about the user.
        func events(_ type: String, about id: UUID) async throws -> Int {
            try await pool.query("SELECT count(*) AS n FROM audit_events WHERE type = $1 AND subject = $2", [.text(type), .uuid(id)])
                .rows[0].int("n")
        }

        func outcomes(_ job: UUID) async throws -> [String] {
            try await store.items(jobID: job, status: nil, after: nil, limit: 500).map { "\($0.status.rawValue): \($0.reason ?? "-")" }
        }
    }

    func withWorld(_ body: (World) async throws -> Void) async throws {
        try await ScratchDatabase.withEveryMigration(maxConnections: 8) { pool in try await body(World(pool)) }
    }

    static let suspend = BulkLifecycleHandler.suspendKind

    @Test("a bulk suspend applies every item it may and reports each bad one with why; the rest go on")
    func badItemsReported() async throws {
        try await withWorld { world in
            let admin = try await world.user(.superAdmin)
            let first = try await world.user(), second = try await world.user()
            let already = try await world.user(status: .suspended), closed = try await world.user(status: .deactivated)
            let job = try await world.jobs.create(kind: Self.suspend, targets: .users([first, already, UUID(), admin, closed, second, first]),
                                                  dryRun: false, by: try await world.principal(admin))
            #expect(job.counts.total == 6, "repeats are dropped")
            try await world.worker().drain()
            #expect(try await world.outcomes(job.id) == [
                "done: suspended", "skipped: already suspended", "skipped: no such user", "skipped: your own account",
                "skipped: is deactivated", "done: suspended",
            ])
            let finished = try #require(try await world.store.job(id: job.id))
            #expect(finished.status == .done && finished.counts == BulkJobCounts(total: 6, done: 2, skipped: 4))
            #expect(try await world.status(first) == .suspended)
            #expect(try await world.status(second) == .suspended)
            #expect(try await world.events("user_suspended", about: first) == 1)
            #expect(try await world.events("bulk_job_finished", about: admin) == 1)
            let announced = try await world.bus.events(after: .start, limit: 100)
            let last = try #require(announced.last)
            #expect(last.type == .bulkFinished && last.audience == LiveEventAudience(userID: admin, platformRole: nil))
            #expect(last.data == ["job_id": job.id.uuidString.lowercased(), "status": "done", "total": "6", "done": "2", "skipped": "4",
                                  "failed": "0"])
        }
    }

    @Test("a dry run reports what each item would do and changes nothing")
    func dryRunChangesNothing() async throws {
        try await withWorld { world in
            let admin = try await world.user(.superAdmin)
            let active = try await world.user(), already = try await world.user(status: .suspended)
            let job = try await world.jobs.create(kind: Self.suspend, targets: .users([active, already, admin]), dryRun: true,
                                                  by: try await world.principal(admin))
            try await world.worker().drain()
            #expect(try await world.outcomes(job.id) == ["done: would suspend", "skipped: already suspended", "skipped: your own account"])
            #expect(try await world.status(active) == .active)
            #expect(try await world.events("user_suspended", about: active) == 0)
            let deletion = try await world.jobs.create(kind: BulkLifecycleHandler.deleteKind, targets: .users([active]), dryRun: true,
                                                       by: try await world.principal(admin))
            try await world.worker().drain()
            #expect(try await world.outcomes(deletion.id) == ["done: would delete"])
            #expect(try await world.status(active) == .active)
        }
    }

    @Test("a worker that dies mid-job leaves its items to the next after the lease; every item is applied exactly once")
    func resumesAfterACrash() async throws {
        try await withWorld { world in
            let admin = try await world.user(.superAdmin)
            var targets: [UUID] = []
            for _ in 0..<30 { targets.append(try await world.user()) }
            let job = try await world.jobs.create(kind: Self.suspend, targets: .users(targets), dryRun: false,
                                                  by: try await world.principal(admin))
            // The first process: one batch done, then a claim of five it never records (killed),
            // one of which it had already suspended when it died.
            try await world.worker().runOnce()
            let orphaned = try await world.store.claim(limit: 5, now: world.clock.now, leaseUntil: world.clock.now.addingTimeInterval(60))
            #expect(orphaned.count == 5)
            let appliedBeforeDeath = try #require(UUID(uuidString: orphaned[0].item.payload["user_id"] ?? ""))
            _ = try await world.lifecycle.suspend(userID: appliedBeforeDeath, by: try await world.principal(admin))
            // The second process starts: it takes everything else at once, the orphans after their lease.
            try await world.worker().drain()
            #expect(try await world.store.job(id: job.id)?.counts == BulkJobCounts(total: 30, done: 25))
            world.clock.advance(by: 61)
            try await world.worker().drain()
            let finished = try #require(try await world.store.job(id: job.id))
            #expect(finished.status == .done && finished.counts == BulkJobCounts(total: 30, done: 29, skipped: 1))
            #expect(try await world.store.record(.done("suspended"), for: orphaned[1], at: world.clock.now) == nil,
                    "the dead claim records nothing")
            for target in targets {
                #expect(try await world.status(target) == .suspended)
                #expect(try await world.events("user_suspended", about: target) == 1)
            }
            let items = try await world.store.items(jobID: job.id, status: .skipped, after: nil, limit: 10)
            #expect(items.map(\.payload) == [["user_id": appliedBeforeDeath.uuidString.lowercased()]])
            #expect(items.map(\.reason) == ["already suspended"])
        }
    }

    @Test("two workers at once apply each of 200 items exactly once and finish the job once")
    func twoWorkers() async throws {
        try await withWorld { world in
            let admin = try await world.user(.superAdmin)
            var targets: [UUID] = []
            for _ in 0..<200 { targets.append(try await world.user()) }
            let job = try await world.jobs.create(kind: Self.suspend, targets: .users(targets), dryRun: false,
                                                  by: try await world.principal(admin))
            async let one: Void = world.worker(batchSize: 3).drain()
            async let two: Void = world.worker(batchSize: 3).drain()
            _ = try await (one, two)
            #expect(try await world.store.job(id: job.id)?.counts == BulkJobCounts(total: 200, done: 200))
            let counts = try await world.pool.query(
                "SELECT count(*) AS events, count(DISTINCT subject) AS users FROM audit_events WHERE type = 'user_suspended'").rows[0]
            #expect(try counts.int("events") == 200 && counts.int("users") == 200)
            #expect(try await world.events("bulk_job_finished", about: admin) == 1)
            let finished = try await world.bus.events(after: .start, limit: 1000).filter { $0.type == .bulkFinished }
            #expect(finished.count == 1)
        }
    }

    @Test("a client_admin reaches only the client_users of their organization, and only they and the platform roles see the job")
    func clientAdminScope() async throws {
        try await withWorld { world in
            let mine = try await world.organization(), theirs = try await world.organization()
            let admin = try await world.user(.clientAdmin, in: mine)
            let member = try await world.user(.clientUser, in: mine)
            let fellowAdmin = try await world.user(.clientAdmin, in: mine)
            let outsider = try await world.user(.clientUser, in: theirs)
            let otherAdmin = try await world.user(.clientAdmin, in: theirs)
            let operatorID = try await world.user(.operator)
            let job = try await world.jobs.create(kind: Self.suspend, targets: .users([member, outsider, fellowAdmin]), dryRun: false,
                                                  by: try await world.principal(admin))
            try await world.worker().drain()
            #expect(try await world.outcomes(job.id) == ["done: suspended", "skipped: no such user", "skipped: not allowed"])
            #expect(try await world.status(outsider) == .active)
            #expect(try await world.status(fellowAdmin) == .active)
            // Another organization's client_admin: no such job, and none listed.
            let other = try await world.principal(otherAdmin)
            await #expect(throws: BulkJobs.Refusal.notFound) { try await world.jobs.job(job.id, by: other) }
            await #expect(throws: BulkJobs.Refusal.notFound) { try await world.jobs.cancel(job.id, by: other) }
            await #expect(throws: BulkJobs.Refusal.notFound) {
                try await world.jobs.items(of: job.id, after: nil, limit: 10, by: other)
            }
            #expect(try await world.jobs.list(before: nil, limit: 10, by: other).isEmpty)
            #expect(try await world.jobs.job(job.id, by: world.principal(operatorID)).id == job.id)
            // A filter is expanded within what the requester sees: their organization's members only.
            let filtered = try await world.jobs.create(kind: Self.suspend, targets: .matching(UserSearch()), dryRun: true,
                                                       by: try await world.principal(admin))
            let expanded = try await world.store.items(jobID: filtered.id, status: nil, after: nil, limit: 50)
                .compactMap { $0.payload["user_id"].flatMap(UUID.init(uuidString:)) }
            #expect(Set(expanded) == [admin, member, fellowAdmin])
            // Nobody without an administering role makes a job.
            await #expect(throws: BulkJobs.Refusal.notAnAdministrator) {
                try await world.jobs.create(kind: Self.suspend, targets: .users([member]), dryRun: true, by: try await world.principal(member))
            }
        }
    }

    @Test("an operator deletes the users below them and no one above; a requester who lost their role gets every later item refused")
    func operatorDeletes() async throws {
        try await withWorld { world in
            _ = try await world.user(.superAdmin)
            let operatorID = try await world.user(.operator)
            let plain = try await world.user(), siteAdmin = try await world.user(.siteAdmin)
            let job = try await world.jobs.create(kind: BulkLifecycleHandler.deleteKind, targets: .users([plain, siteAdmin]), dryRun: false,
                                                  by: try await world.principal(operatorID))
            try await world.worker().drain()
            #expect(try await world.outcomes(job.id) == ["done: deleted", "skipped: not allowed"])
            #expect(try await world.status(plain) == nil)
            #expect(try await world.status(siteAdmin) == .active)
            // The role is taken away after the job was made: the items are checked as the requester is now.
            let later = try await world.user()
            let second = try await world.jobs.create(kind: Self.suspend, targets: .users([later]), dryRun: false,
                                                     by: try await world.principal(operatorID))
            try await world.memberships.setPlatformRole(nil, userID: operatorID, at: world.clock.now, by: nil)
            try await world.worker().drain()
            #expect(try await world.outcomes(second.id) == ["skipped: not allowed"])
            #expect(try await world.status(later) == .active)
        }
    }

    @Test("assign_role changes members' role in the organization (a dry run first), remove_role takes members out; others are reported")
    func roles() async throws {
        try await withWorld { world in
            let organization = try await world.organization()
            let admin = try await world.user(.superAdmin)
            let member = try await world.user(.clientUser, in: organization)
            let stranger = try await world.user()
            let parameters = ["organization_id": organization.uuidString.lowercased(), "role": "client_admin"]
            let dry = try await world.jobs.create(kind: BulkRoleHandler.assignKind, targets: .users([member, stranger]),
                                                  parameters: parameters, dryRun: true, by: try await world.principal(admin))
            try await world.worker().drain()
            #expect(try await world.outcomes(dry.id) == ["done: would assign client_admin", "skipped: not a member of the organization"])
            #expect(try await world.memberships.membership(organizationID: organization, userID: member)?.role == .clientUser)
            let real = try await world.jobs.create(kind: BulkRoleHandler.assignKind, targets: .users([member]), parameters: parameters,
                                                   dryRun: false, by: try await world.principal(admin))
            try await world.worker().drain()
            #expect(try await world.outcomes(real.id) == ["done: assigned client_admin"])
            #expect(try await world.memberships.membership(organizationID: organization, userID: member)?.role == .clientAdmin)
            let removal = try await world.jobs.create(kind: BulkRoleHandler.removeKind, targets: .users([member]),
                                                      parameters: ["organization_id": organization.uuidString.lowercased(), "role": "client_user"],
                                                      dryRun: false, by: try await world.principal(admin))
            try await world.worker().drain()
            #expect(try await world.outcomes(removal.id) == ["skipped: does not hold client_user"])
            await #expect(throws: BulkJobs.Refusal.invalidParameters("role must be client_admin or client_user")) {
                try await world.jobs.create(kind: BulkRoleHandler.assignKind, targets: .users([member]),
                                            parameters: ["organization_id": organization.uuidString, "role": "super_admin"], dryRun: true,
                                            by: try await world.principal(admin))
            }
            await #expect(throws: BulkJobs.Refusal.notFound) {
                try await world.jobs.create(kind: BulkRoleHandler.assignKind, targets: .users([member]),
                                            parameters: ["organization_id": UUID().uuidString, "role": "client_user"], dryRun: true,
                                            by: try await world.principal(admin))
            }
        }
    }
}
