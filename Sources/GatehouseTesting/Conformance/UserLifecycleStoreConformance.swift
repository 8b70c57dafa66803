import Foundation
import GatehouseCore
import Testing

/// `UserLifecycleStore`'s contract (Ports/UserLifecycleStore.swift): a status moves only from the
/// statuses named, taking every session and refresh-token family with it (reactivating restores
/// none); the last active super_admin stays; an erased account is no one and its id is never
/// reused. Run on a database of their own (they count super_admins).
public enum UserLifecycleStoreConformance {
    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("UserLifecycleStore: suspending ends every session and refresh family; reactivating restores none") { stores async throws in
            let user = try await Fixtures.createdUser(stores), client = try await Fixtures.createdClient(stores)
            let now = user.createdAt
            try await stores.sessions.create(SessionStoreConformance.session(user, at: now), tokenDigest: Fixtures.digest())
            let family = UUID()
            try await stores.refreshTokens.insert(RefreshTokenStoreConformance.record(family: family, user: user, client: client, at: now))
            let notBefore = now.addingTimeInterval(1)
            #expect(try await stores.lifecycle.changeStatus(userID: user.id, from: [.active], to: .suspended, notBefore: notBefore,
                                                            by: nil, at: now) == .changed(from: .active))
            let suspended = try #require(try await stores.users.find(id: user.id))
            #expect(suspended.status == .suspended && suspended.credentialsNotBefore == notBefore)
            #expect(try await stores.sessions.list(userID: user.id, now: now) == [])
            #expect(try await stores.refreshTokens.isFamilyRevoked(family))
            #expect(try await stores.lifecycle.changeStatus(userID: user.id, from: [.active], to: .suspended, notBefore: notBefore,
                                                            by: nil, at: now) == .unchanged(.suspended))
            #expect(try await stores.lifecycle.changeStatus(userID: user.id, from: [.suspended], to: .active, notBefore: notBefore,
                                                            by: nil, at: now) == .changed(from: .suspended))
            let active = try #require(try await stores.users.find(id: user.id))
            #expect(active.status == .active && active.credentialsNotBefore == notBefore, "the cut-off stays")
            #expect(try await stores.sessions.list(userID: user.id, now: now) == [])
            #expect(try await stores.refreshTokens.isFamilyRevoked(family))
            #expect(try await stores.lifecycle.changeStatus(userID: UUID(), from: [.active], to: .suspended, notBefore: now,
                                                            by: nil, at: now) == .notFound)
        },
        ConformanceCheck("UserLifecycleStore: the last active super_admin is never suspended or erased") { stores async throws in
            let first = try await Fixtures.createdUser(stores)
            let now = first.createdAt
            try await stores.memberships.setPlatformRole(.superAdmin, userID: first.id, at: now, by: nil)
            #expect(try await stores.lifecycle.activeSuperAdmins() == 1)
            #expect(try await stores.lifecycle.changeStatus(userID: first.id, from: [.active], to: .deactivated, notBefore: now,
                                                            by: nil, at: now) == .lastSuperAdmin)
            #expect(try await stores.lifecycle.erase(userID: first.id, by: nil, at: now, farewell: nil) == .lastSuperAdmin)
            let second = try await Fixtures.createdUser(stores)
            try await stores.memberships.setPlatformRole(.superAdmin, userID: second.id, at: now, by: nil)
            #expect(try await stores.lifecycle.changeStatus(userID: first.id, from: [.active], to: .suspended, notBefore: now,
                                                            by: nil, at: now) == .changed(from: .active))
            #expect(try await stores.lifecycle.activeSuperAdmins() == 1)
            #expect(try await stores.lifecycle.erase(userID: second.id, by: nil, at: now, farewell: nil) == .lastSuperAdmin,
                    "the other one is suspended: this one is the last active")
        },
        ConformanceCheck("UserLifecycleStore: an erased account is no one, with no sessions or memberships, and its id is never reused") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let now = user.createdAt
            try await stores.sessions.create(SessionStoreConformance.session(user, at: now), tokenDigest: Fixtures.digest())
            #expect(try await stores.lifecycle.erase(userID: user.id, by: nil, at: now, farewell: nil) == .erased)
            #expect(try await stores.users.find(id: user.id) == nil)
            #expect(try await stores.users.find(email: user.email) == nil)
            #expect(try await stores.sessions.list(userID: user.id, now: now) == [])
            #expect(try await stores.memberships.memberships(userID: user.id) == [])
            #expect(try await stores.lifecycle.erase(userID: user.id, by: nil, at: now, farewell: nil) == .notFound)
            var again = user
            again.email = Fixtures.unique("again") + "@example.test"
            await #expect(throws: (any Error).self) { try await stores.users.create(again) }
            var sameAddress = Fixtures.user(at: now)
            sameAddress.email = user.email
            try await stores.users.create(sameAddress)
        },
    ]
}
