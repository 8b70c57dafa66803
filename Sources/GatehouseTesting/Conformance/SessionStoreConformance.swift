import Foundation
import GatehouseCore
import Testing

/// `SessionStore`'s contract (Ports/Stores.swift): a cookie finds its session only while it is
/// live; revocation is per session, per user, or per user but one.
public enum SessionStoreConformance {
    static func session(_ user: User, at date: Date, lifetime: TimeInterval = 3600, seen: TimeInterval = 0) -> BrowserSession {
        BrowserSession(id: UUID(), userID: user.id, authTime: date, amr: ["pwd", "otp", "mfa"], createdAt: date,
                       expiresAt: date.addingTimeInterval(lifetime), lastSeenAt: date.addingTimeInterval(seen),
                       ipAddress: "203.0.113.9", userAgent: "Test/1.0")
    }

    public static let checks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("SessionStore: a cookie's digest finds its live session, field for field, until it expires") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let now = user.createdAt, session = session(user, at: now), digest = Fixtures.digest()
            try await stores.sessions.create(session, tokenDigest: digest)
            #expect(try await stores.sessions.find(tokenDigest: digest, now: now) == session)
            #expect(try await stores.sessions.find(tokenDigest: Fixtures.digest(), now: now) == nil)
            #expect(try await stores.sessions.find(tokenDigest: digest, now: session.expiresAt) == nil, "expired at expiresAt")
            #expect(try await stores.sessions.find(id: session.id) == session, "by id, expiry is the caller's business")
        },
        ConformanceCheck("SessionStore: the second factor a session proved reads back, each kind and none") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            for proven: ProvenSecondFactor? in [.authenticatorApp, .emailedCode, .recoveryCode, nil] {
                var session = session(user, at: user.createdAt)
                session.secondFactor = proven
                let digest = Fixtures.digest()
                try await stores.sessions.create(session, tokenDigest: digest)
                #expect(try await stores.sessions.find(tokenDigest: digest, now: user.createdAt)?.secondFactor == proven)
                #expect(try await stores.sessions.find(id: session.id)?.secondFactor == proven)
            }
        },
        ConformanceCheck("SessionStore: a revoked session is found by neither cookie nor id") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let session = session(user, at: user.createdAt), digest = Fixtures.digest()
            try await stores.sessions.create(session, tokenDigest: digest)
            try await stores.sessions.revoke(id: session.id, at: user.createdAt)
            #expect(try await stores.sessions.find(tokenDigest: digest, now: user.createdAt) == nil)
            #expect(try await stores.sessions.find(id: session.id) == nil)
            #expect(try await stores.sessions.list(userID: user.id, now: user.createdAt) == [])
        },
        ConformanceCheck("SessionStore: touch moves last-seen; list holds the user's live sessions, most recently seen first") { stores async throws in
            let user = try await Fixtures.createdUser(stores), other = try await Fixtures.createdUser(stores)
            let now = user.createdAt
            let a = session(user, at: now, seen: 1), b = session(user, at: now, seen: 2), expired = session(user, at: now, lifetime: 5)
            for item in [a, b, expired, session(other, at: now)] {
                try await stores.sessions.create(item, tokenDigest: Fixtures.digest())
            }
            #expect(try await stores.sessions.list(userID: user.id, now: now.addingTimeInterval(10)).map(\.id) == [b.id, a.id])
            try await stores.sessions.touch(id: a.id, at: now.addingTimeInterval(8))
            #expect(try await stores.sessions.list(userID: user.id, now: now.addingTimeInterval(10)).map(\.id) == [a.id, b.id])
            #expect(try await stores.sessions.find(id: a.id)?.lastSeenAt == now.addingTimeInterval(8))
        },
        ConformanceCheck("SessionStore: signing out everywhere ends every session of the user and no one else's") { stores async throws in
            let user = try await Fixtures.createdUser(stores), other = try await Fixtures.createdUser(stores)
            let now = user.createdAt, theirs = session(other, at: now)
            try await stores.sessions.create(session(user, at: now), tokenDigest: Fixtures.digest())
            try await stores.sessions.create(session(user, at: now), tokenDigest: Fixtures.digest())
            try await stores.sessions.create(theirs, tokenDigest: Fixtures.digest())
            try await stores.sessions.revokeAll(userID: user.id, at: now)
            #expect(try await stores.sessions.list(userID: user.id, now: now) == [])
            #expect(try await stores.sessions.list(userID: other.id, now: now) == [theirs])
        },
        ConformanceCheck("SessionStore: ending every session but one keeps exactly that one") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let now = user.createdAt, kept = session(user, at: now)
            try await stores.sessions.create(kept, tokenDigest: Fixtures.digest())
            try await stores.sessions.create(session(user, at: now), tokenDigest: Fixtures.digest())
            try await stores.sessions.create(session(user, at: now), tokenDigest: Fixtures.digest())
            try await stores.sessions.revokeAll(userID: user.id, except: kept.id, at: now)
            #expect(try await stores.sessions.list(userID: user.id, now: now) == [kept])
        },
        ConformanceCheck("SessionStore: sessions go with their user") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let session = session(user, at: user.createdAt), digest = Fixtures.digest()
            try await stores.sessions.create(session, tokenDigest: digest)
            #expect(try await stores.deleteUser(user.id))
            #expect(try await stores.sessions.find(tokenDigest: digest, now: user.createdAt) == nil)
            #expect(try await stores.sessions.find(id: session.id) == nil)
        },
    ]
}
