import Foundation

/// Starts and finds browser sessions. A new random session secret at every login, so a
/// session id planted before login is worthless (no session fixation, OWASP ASVS V3.2.1).
public struct BrowserSessions: Sendable {
    let store: any SessionStore
    let crypto: any CryptoPrimitives
    let settings: ProviderSettings
    let clock: any Clock

    public init(store: any SessionStore, crypto: any CryptoPrimitives, settings: ProviderSettings, clock: any Clock) {
        self.store = store
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
    }

    /// A fresh session and the secret for its cookie.
    public func start(userID: UUID, amr: [String], secondFactor: ProvenSecondFactor? = nil, ipAddress: String?,
                      userAgent: String?) async throws -> (BrowserSession, cookie: String) {
        let now = clock.now
        let secret = crypto.randomToken()
        var session = BrowserSession(
            id: UUID(), userID: userID, authTime: now, amr: amr, createdAt: now,
            expiresAt: now.addingTimeInterval(settings.sessionLifetime.timeInterval), lastSeenAt: now,
            ipAddress: ipAddress, userAgent: userAgent.map(UserAgent.capped))
        session.secondFactor = amr.contains(AuthenticationMethods.multipleFactors) ? secondFactor : nil
        try await store.create(session, tokenDigest: crypto.tokenDigest(secret))
        return (session, secret)
    }

    /// The live session behind a cookie value, if any.
    public func find(cookie: String?) async throws -> BrowserSession? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 128 else { return nil }
        return try await store.find(tokenDigest: crypto.tokenDigest(cookie), now: clock.now)
    }

    public func end(_ session: BrowserSession) async throws {
        try await store.revoke(id: session.id, at: clock.now)
    }

    /// How long an ended session's row stays (the audit trail keeps its facts for good): long
    /// enough to look into a sign-out, short enough that the table holds live sessions, not
    /// every sign-in ever.
    public static let endedRetention: TimeInterval = 24 * 3600
    /// Rows deleted per statement, so a purge never holds a long lock.
    public static let purgeBatch = 1000

    /// Deletes the sessions that ended more than `endedRetention` ago, a batch at a time, and
    /// returns how many. Safe on several instances at once (a row is deleted once).
    public func purgeEnded() async throws -> Int {
        let before = clock.now.addingTimeInterval(-Self.endedRetention)
        var purged = 0
        while true {
            let batch = try await store.purgeEnded(before: before, limit: Self.purgeBatch)
            purged += batch
            if batch < Self.purgeBatch || Task.isCancelled { return purged }
        }
    }
}
