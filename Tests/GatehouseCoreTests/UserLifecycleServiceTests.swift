import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `UserLifecycle` on the twins: the rules asked on every call, each change audited with its
/// actor, an erasure announced, and the refusals it maps the store's answers to.
@Suite("UserLifecycle on the in-memory twins")
struct UserLifecycleServiceTests {
    struct World {
        let stores = InMemoryStores()
        let bus = InMemoryLiveEventBus()
        var lifecycle: UserLifecycle {
            UserLifecycle(users: stores.users, memberships: stores.memberships, store: stores.lifecycle, audit: stores.audit,
                          clock: stores.clock, events: bus)
        }

        func user(_ role: Role? = nil) async throws -> User {
            let now = stores.clock.now
            let user = User(id: UUID(), email: "u-\(UUID().uuidString.lowercased())@example.test", emailVerified: true,
                            passwordHash: "x", createdAt: now, updatedAt: now)
            try await stores.users.create(user)
            if let role { try await stores.memberships.setPlatformRole(role, userID: user.id, at: now, by: nil) }
            return user
        }

        func principal(_ user: User) async throws -> Principal {
            try await Principals(memberships: stores.memberships, customRoles: stores.customRoles).principal(userID: user.id)
        }
    }

    @Test("a site_admin suspends, reactivates and deactivates a user; each is audited with the actor")
    func changes() async throws {
        let world = World()
        let admin = try await world.user(.siteAdmin), target = try await world.user()
        let principal = try await world.principal(admin)
        #expect(try await world.lifecycle.suspend(userID: target.id, by: principal).status == .suspended)
        await #expect(throws: UserLifecycle.Refusal.status(.suspended)) { _ = try await world.lifecycle.suspend(userID: target.id, by: principal) }
        #expect(try await world.lifecycle.reactivate(userID: target.id, by: principal).status == .active)
        #expect(try await world.lifecycle.deactivate(userID: target.id, by: principal).status == .deactivated)
        let events = await world.stores.audit.events.filter { $0.subject == target.id }
        #expect(events.map(\.type) == [.userSuspended, .userReactivated, .userDeactivated])
        #expect(events.allSatisfy { $0.actor == AuditEvent.user(admin.id) })
    }

    @Test("the changes a status offers are exactly the ones the lifecycle then makes from it, for every status and change")
    func offeredChanges() async throws {
        #expect(AccountStatus.active.changes == [.suspend, .deactivate])
        #expect(AccountStatus.suspended.changes == [.reactivate, .deactivate])
        #expect(AccountStatus.deactivated.changes == [.reactivate])
        let world = World()
        let principal = try await world.principal(try await world.user(.siteAdmin))
        let lifecycle = world.lifecycle
        func apply(_ change: AccountStatus.Change, _ id: UUID) async throws -> User {
            switch change {
            case .suspend: try await lifecycle.suspend(userID: id, by: principal)
            case .reactivate: try await lifecycle.reactivate(userID: id, by: principal)
            case .deactivate: try await lifecycle.deactivate(userID: id, by: principal)
            }
        }
        for status in AccountStatus.allCases {
            for change in AccountStatus.Change.allCases {
                let target = try await world.user()
                if status != .active { _ = try await apply(status == .suspended ? .suspend : .deactivate, target.id) }
                if status.changes.contains(change) {
                    #expect(try await apply(change, target.id).status == change.to, "\(change) from \(status)")
                } else {
                    await #expect(throws: UserLifecycle.Refusal.status(status), "\(change) from \(status)") { _ = try await apply(change, target.id) }
                }
            }
        }
    }

    @Test("refusals: a plain user (403, before any lookup), an unknown id (404), oneself (409), a higher role (403), the last super_admin (409)")
    func refusals() async throws {
        let world = World()
        let plain = try await world.user(), admin = try await world.user(.siteAdmin), top = try await world.user(.superAdmin)
        let lifecycle = world.lifecycle
        await #expect(throws: UserLifecycle.Refusal.notPermitted) { _ = try await lifecycle.suspend(userID: UUID(), by: try await world.principal(plain)) }
        await #expect(throws: UserLifecycle.Refusal.notFound) { _ = try await lifecycle.suspend(userID: UUID(), by: try await world.principal(admin)) }
        await #expect(throws: UserLifecycle.Refusal.ownAccount) { _ = try await lifecycle.suspend(userID: admin.id, by: try await world.principal(admin)) }
        await #expect(throws: UserLifecycle.Refusal.notPermitted) { _ = try await lifecycle.suspend(userID: top.id, by: try await world.principal(admin)) }
        await #expect(throws: UserLifecycle.Refusal.lastSuperAdmin) { try await lifecycle.erase(userID: top.id, by: .serverOperator) }
    }

    @Test("an erasure leaves no account, is audited, and is announced as user.erased to the platform roles")
    func erasure() async throws {
        let world = World()
        let target = try await world.user()
        try await world.lifecycle.erase(userID: target.id, by: .serverOperator)
        #expect(try await world.stores.users.find(id: target.id) == nil)
        #expect(await world.stores.audit.events(ofType: .userErased).map(\.subject) == [target.id])
        let announced = try await world.bus.events(after: .start, limit: 10)
        #expect(announced.map(\.type) == [.userErased])
        #expect(announced.first?.data == ["user_id": target.id.uuidString.lowercased()])
        #expect(announced.first?.audience == LiveEventAudience(userID: nil, platformRole: .operator))
    }
}
