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
        ConformanceCheck("SessionStore: list pages by keyset, most recently seen first, then by id") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let now = user.createdAt
            var made: [BrowserSession] = []
            for index in 0..<7 {
                // Two share a last-seen time: the id orders them.
                let item = session(user, at: now, seen: Double(min(index, 5)))
                try await stores.sessions.create(item, tokenDigest: Fixtures.digest())
                made.append(item)
            }
            let all = try await stores.sessions.list(userID: user.id, now: now.addingTimeInterval(10))
            let expected = made.sorted { ($0.lastSeenAt, $0.id.uuidString) > ($1.lastSeenAt, $1.id.uuidString) }
            #expect(all.map(\.id) == expected.map(\.id))
            var paged: [BrowserSession] = []
            var cursor: SessionCursor?
            repeat {
                let page = try await stores.sessions.list(userID: user.id, now: now.addingTimeInterval(10), after: cursor, limit: 3)
                #expect(page.count <= 3)
                paged += page
                cursor = page.count == 3 ? SessionCursor(after: page[2]) : nil
            } while cursor != nil
            #expect(paged.map(\.id) == expected.map(\.id))
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
        ConformanceCheck("SessionStore: a support session reads back marked (with the administrator's session it came from), is left out of list, and supportSignIns lists it with the administrator, newest first") { stores async throws in
            let user = try await Fixtures.createdUser(stores), admin = try await Fixtures.createdUser(stores)
            let now = user.createdAt
            var first = session(user, at: now, lifetime: 900), second = session(user, at: now.addingTimeInterval(60), lifetime: 900)
            // The administrator's own session the first was started from (the second names none).
            let own = session(admin, at: now, lifetime: 3600)
            try await stores.sessions.create(own, tokenDigest: Fixtures.digest())
            first.support = SupportMark(impersonatorID: admin.id, reason: "Ticket 1: the invoice page", impersonatorSessionID: own.id)
            second.support = SupportMark(impersonatorID: admin.id, reason: "Ticket 2")
            let digest = Fixtures.digest()
            try await stores.sessions.create(first, tokenDigest: digest)
            try await stores.sessions.create(second, tokenDigest: Fixtures.digest())
            #expect(try await stores.sessions.find(tokenDigest: digest, now: now) == first)
            #expect(try await stores.sessions.find(id: second.id)?.support == second.support)
            #expect(try await stores.sessions.list(userID: user.id, now: now.addingTimeInterval(61)) == [], "not among the user's own sessions")
            try await stores.sessions.revoke(id: second.id, at: now.addingTimeInterval(120))
            #expect(try await stores.sessions.supportSignIns(userID: user.id, limit: 10) == [
                SupportSignInRecord(sessionID: second.id, impersonatorID: admin.id, impersonatorEmail: admin.email, reason: "Ticket 2",
                                    startedAt: second.createdAt, endedAt: now.addingTimeInterval(120)),
                SupportSignInRecord(sessionID: first.id, impersonatorID: admin.id, impersonatorEmail: admin.email,
                                    reason: "Ticket 1: the invoice page", startedAt: first.createdAt, endedAt: first.expiresAt),
            ])
            #expect(try await stores.sessions.supportSignIns(userID: user.id, limit: 1).map(\.sessionID) == [second.id])
            #expect(try await stores.sessions.supportSignIns(userID: admin.id, limit: 10) == [])
        },
    ]

    /// Checks over every row of the store (a purge takes other tests' rows too): run on a
    /// database of their own.
    public static let wholeStoreChecks: [ConformanceCheck<DurableStores>] = [
        ConformanceCheck("SessionStore: purging deletes sessions that ended before the time given, and no live one") { stores async throws in
            let user = try await Fixtures.createdUser(stores)
            let now = user.createdAt
            let live = session(user, at: now, lifetime: 3600), expired = session(user, at: now, lifetime: 5)
            let revoked = session(user, at: now), revokedLater = session(user, at: now)
            // A support session is the user's record of who acted as them: never purged.
            var support = session(user, at: now, lifetime: 5)
            support.support = SupportMark(impersonatorID: user.id, reason: "kept")
            for item in [live, expired, revoked, revokedLater, support] { try await stores.sessions.create(item, tokenDigest: Fixtures.digest()) }
            try await stores.sessions.revoke(id: revoked.id, at: now.addingTimeInterval(1))
            try await stores.sessions.revoke(id: revokedLater.id, at: now.addingTimeInterval(100))
            #expect(try await stores.sessions.purgeEnded(before: now.addingTimeInterval(50), limit: 1_000_000) == 2)
            #expect(try await stores.sessions.find(id: live.id) == live)
            #expect(try await stores.sessions.list(userID: user.id, now: now.addingTimeInterval(10)).map(\.id) == [live.id])
            #expect(try await stores.sessions.purgeEnded(before: now.addingTimeInterval(200), limit: 1_000_000) == 1, "revoked at 100")
            #expect(try await stores.sessions.purgeEnded(before: now.addingTimeInterval(200), limit: 1_000_000) == 0)
            #expect(try await stores.sessions.supportSignIns(userID: user.id, limit: 10).map(\.sessionID) == [support.id])
        },
    ]
}
