import Foundation
import GatehouseCore
import Testing

/// `PasswordResetStore`'s and `PasswordHistoryStore`'s contracts (Ports/AccountStores.swift,
/// Ports/PasswordHistoryStore.swift): reset links used once, ending the user's other links;
/// the newest password hashes kept, as many as configured.
public enum AccountStoresConformance {
    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("PasswordResetStore: a link shows its user while live and is consumed once, saying whether it proves the mailbox") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt, digest = Fixtures.digest()
            try await stores.passwordResets.create(digest: digest, userID: user.id, provesMailbox: true, at: now,
                                                   expiresAt: now.addingTimeInterval(3600))
            #expect(try await stores.passwordResets.userID(digest: digest, now: now) == user.id)
            #expect(try await stores.passwordResets.consume(digest: digest, now: now) == PasswordResetLink(userID: user.id, provesMailbox: true))
            #expect(try await stores.passwordResets.consume(digest: digest, now: now) == nil)
            #expect(try await stores.passwordResets.userID(digest: digest, now: now) == nil)
            let forced = Fixtures.digest()
            try await stores.passwordResets.create(digest: forced, userID: user.id, provesMailbox: false, at: now,
                                                   expiresAt: now.addingTimeInterval(3600))
            #expect(try await stores.passwordResets.consume(digest: forced, now: now) == PasswordResetLink(userID: user.id, provesMailbox: false))
        },
        ConformanceCheck("PasswordResetStore: an expired or unknown link is nil") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt, digest = Fixtures.digest()
            let expiry = now.addingTimeInterval(60)
            try await stores.passwordResets.create(digest: digest, userID: user.id, provesMailbox: true, at: now, expiresAt: expiry)
            #expect(try await stores.passwordResets.userID(digest: digest, now: expiry) == nil)
            #expect(try await stores.passwordResets.consume(digest: digest, now: expiry) == nil)
            #expect(try await stores.passwordResets.consume(digest: Fixtures.digest(), now: now) == nil)
            #expect(try await stores.passwordResets.consume(digest: digest, now: now) != nil, "a moment earlier it worked")
        },
        ConformanceCheck("PasswordResetStore: using one link ends the user's other links, not other users'") { stores async throws in
            let user = try await Fixtures.createdUser(stores), other = try await Fixtures.createdUser(stores), now = user.createdAt
            let (a, b, theirs) = (Fixtures.digest(), Fixtures.digest(), Fixtures.digest())
            for (digest, owner) in [(a, user.id), (b, user.id), (theirs, other.id)] {
                try await stores.passwordResets.create(digest: digest, userID: owner, provesMailbox: true, at: now,
                                                       expiresAt: now.addingTimeInterval(3600))
            }
            #expect(try await stores.passwordResets.consume(digest: a, now: now) != nil)
            #expect(try await stores.passwordResets.userID(digest: b, now: now) == nil)
            #expect(try await stores.passwordResets.consume(digest: b, now: now) == nil)
            #expect(try await stores.passwordResets.userID(digest: theirs, now: now) == other.id)
        },
        ConformanceCheck("PasswordHistoryStore: the newest hashes first, as many as kept") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            let history = stores.passwordHistory(3)
            for index in 0..<5 { try await history.record(userID: user.id, hash: "h\(index)", at: now.addingTimeInterval(Double(index))) }
            #expect(try await history.recentHashes(userID: user.id, limit: 10) == ["h4", "h3", "h2"])
            #expect(try await history.recentHashes(userID: user.id, limit: 2) == ["h4", "h3"])
            #expect(try await history.recentHashes(userID: user.id, limit: 0) == [])
            #expect(try await history.recentHashes(userID: UUID(), limit: 3) == [])
        },
        ConformanceCheck("PasswordHistoryStore: hashes recorded at one instant keep the order they came in") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            let history = stores.passwordHistory(5)
            for hash in ["first", "second", "third"] { try await history.record(userID: user.id, hash: hash, at: now) }
            #expect(try await history.recentHashes(userID: user.id, limit: 5) == ["third", "second", "first"])
        },
        ConformanceCheck("PasswordHistoryStore: keeping none forgets every hash, older ones included") { stores async throws in
            let user = try await Fixtures.createdUser(stores), now = user.createdAt
            try await stores.passwordHistory(2).record(userID: user.id, hash: "old", at: now)
            let none = stores.passwordHistory(0)
            try await none.record(userID: user.id, hash: "new", at: now.addingTimeInterval(1))
            #expect(try await none.recentHashes(userID: user.id, limit: 5) == [])
            #expect(try await stores.passwordHistory(2).recentHashes(userID: user.id, limit: 5) == [])
        },
    ]
}
