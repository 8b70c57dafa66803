import Foundation
import GatehouseCore
import Testing

/// `UserStore`'s contract (Ports/Stores.swift): emails unique, every update touching only what it names.
public enum UserStoreConformance {
    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("UserStore: a created user reads back by id and by email, field for field") { stores async throws in
            let user = Fixtures.user()
            try await stores.users.create(user)
            #expect(try await stores.users.find(id: user.id) == user)
            #expect(try await stores.users.find(email: user.email) == user)
            #expect(try await stores.users.find(id: UUID()) == nil)
            #expect(try await stores.users.find(email: Fixtures.unique("nobody") + "@example.test") == nil)
        },
        ConformanceCheck("UserStore: an email that is taken is a conflict, at creation and at a change of email") { stores async throws in
            let first = try await Fixtures.createdUser(stores), second = try await Fixtures.createdUser(stores)
            var twin = Fixtures.user()
            twin.email = first.email
            await #expect(throws: StoreError.conflict("a user with this email exists")) { try await stores.users.create(twin) }
            await #expect(throws: StoreError.conflict("a user with this email exists")) {
                try await stores.users.changeEmail(userID: second.id, to: first.email, at: Fixtures.now)
            }
            #expect(try await stores.users.find(id: second.id)?.email == second.email, "the refused change changed nothing")
            try await stores.users.changeEmail(userID: first.id, to: first.email, at: Fixtures.now)
        },
        ConformanceCheck("UserStore: a rehash replaces the hash and leaves the password's age alone") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let later = user.createdAt.addingTimeInterval(60)
            try await stores.users.updatePasswordHash(userID: user.id, hash: "$argon2id$stronger", at: later)
            let found = try #require(try await stores.users.find(id: user.id))
            #expect(found.passwordHash == "$argon2id$stronger")
            #expect(found.updatedAt == later)
            #expect(found.passwordChangedAt == nil)
            #expect(found.passwordSetAt == user.createdAt)
        },
        ConformanceCheck("UserStore: a new password records when it changed") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let later = user.createdAt.addingTimeInterval(120)
            try await stores.users.changePassword(userID: user.id, hash: "$argon2id$new", at: later)
            let found = try #require(try await stores.users.find(id: user.id))
            #expect(found.passwordHash == "$argon2id$new")
            #expect(found.passwordChangedAt == later)
            #expect(found.passwordSetAt == later)
            #expect(found.updatedAt == later)
        },
        ConformanceCheck("UserStore: marking the email verified changes an unverified account only") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let later = user.createdAt.addingTimeInterval(30), latest = later.addingTimeInterval(30)
            try await stores.users.markEmailVerified(userID: user.id, at: later)
            #expect(try await stores.users.find(id: user.id)?.emailVerified == true)
            #expect(try await stores.users.find(id: user.id)?.updatedAt == later)
            try await stores.users.markEmailVerified(userID: user.id, at: latest)
            #expect(try await stores.users.find(id: user.id)?.updatedAt == later, "already verified: nothing changes")
        },
        ConformanceCheck("UserStore: a change of email moves the lookup and counts as verified") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let address = Fixtures.unique("moved") + "@example.test", later = user.createdAt.addingTimeInterval(45)
            try await stores.users.changeEmail(userID: user.id, to: address, at: later)
            let found = try #require(try await stores.users.find(email: address))
            #expect(found.id == user.id)
            #expect(found.emailVerified)
            #expect(found.updatedAt == later)
            #expect(try await stores.users.find(email: user.email) == nil)
        },
        ConformanceCheck("UserStore: a profile update replaces the four profile fields, nil included") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let later = user.createdAt.addingTimeInterval(10)
            try await stores.users.updateProfile(userID: user.id, name: "Grace Hopper", givenName: "Grace", familyName: nil,
                                                 picture: nil, at: later)
            var expected = user
            (expected.name, expected.givenName, expected.familyName, expected.picture, expected.updatedAt) =
                ("Grace Hopper", "Grace", nil, nil, later)
            #expect(try await stores.users.find(id: user.id) == expected)
            try await stores.users.recordTermsAccepted(userID: user.id, at: later)
            #expect(try await stores.users.find(id: user.id) == expected, "accepting the terms changes no field of User")
        },
        ConformanceCheck("UserStore: updates of a user that does not exist change nothing and do not throw") { stores async throws in
            let ghost = UUID(), at = Fixtures.now
            try await stores.users.updatePasswordHash(userID: ghost, hash: "h", at: at)
            try await stores.users.changePassword(userID: ghost, hash: "h", at: at)
            try await stores.users.markEmailVerified(userID: ghost, at: at)
            try await stores.users.changeEmail(userID: ghost, to: Fixtures.unique("ghost") + "@example.test", at: at)
            try await stores.users.updateProfile(userID: ghost, name: nil, givenName: nil, familyName: nil, picture: nil, at: at)
            try await stores.users.recordTermsAccepted(userID: ghost, at: at)
            #expect(try await stores.users.find(id: ghost) == nil)
        },
    ]
}
