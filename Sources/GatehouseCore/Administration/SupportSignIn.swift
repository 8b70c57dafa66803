import Foundation

/// Support sign-in (issue 11 item 8): an administrator acts as a user for at most 15 minutes to
/// reproduce a problem. The session is an ordinary browser session of the user marked with the
/// administrator and the reason (`BrowserSession.support`), stored with the other sessions; it
/// is not extended by use. Every start, every issue of tokens in it and every end is audited with
/// the administrator as actor and the user as subject; the user is told by mail when one starts
/// and sees every one on `/account`.
///
/// `SupportSignInRules` decides, asked here at the start and again on every use (each page of
/// the session, each code exchanged), with both accounts' roles and statuses read from the
/// database then: an administrator who lost their role, or a user who became an administrator
/// or was suspended, ends the session at its next use. So does the end of the administrator's own
/// session it was started from (signed out, signed out everywhere, expired).
public struct SupportSignIn: Sendable {
    let users: any UserStore
    let sessions: any SessionStore
    let principals: Principals
    let crypto: any CryptoPrimitives
    let audit: any AuditLog
    let clock: any Clock
    let notice: (any SupportSignInNotice)?

    public init(users: any UserStore, sessions: any SessionStore, principals: Principals, crypto: any CryptoPrimitives,
                audit: any AuditLog, clock: any Clock, notice: (any SupportSignInNotice)? = nil) {
        self.users = users
        self.sessions = sessions
        self.principals = principals
        self.crypto = crypto
        self.audit = audit
        self.clock = clock
        self.notice = notice
    }

    /// How many support sessions `/account` lists.
    public static let historyLimit = 20

    /// Starts a support session as `userID` for `actor`, who is signed in with `adminSession`
    /// (whose proof — `amr`, second factor — the support session carries: it is the
    /// administrator who authenticated). Throws `SupportSignInRules.Refusal`; nothing is stored or
    /// audited then. Returns the session and the secret for its cookie.
    public func start(userID: UUID, reason text: String?, by actor: Principal, from adminSession: BrowserSession,
                      ipAddress: String?, userAgent: String?) async throws -> (BrowserSession, cookie: String) {
        guard let actorID = actor.userID, SupportSignInRules.mayStart(actor.roles) else { throw SupportSignInRules.Refusal.notPermitted }
        guard let user = try await users.find(id: userID) else { throw SupportSignInRules.Refusal.notFound }
        if let refusal = SupportSignInRules.refusal(actor, try await target(user)) { throw refusal }
        let reason = try SupportSignInRules.reason(text)

        let now = clock.now
        let secret = crypto.randomToken()
        var session = BrowserSession(
            id: UUID(), userID: userID, authTime: now, amr: adminSession.amr, createdAt: now,
            expiresAt: now.addingTimeInterval(SupportSignInRules.lifetime), lastSeenAt: now, ipAddress: ipAddress,
            userAgent: userAgent.map(UserAgent.capped))
        session.secondFactor = adminSession.secondFactor
        session.support = SupportMark(impersonatorID: actorID, reason: reason, impersonatorSessionID: adminSession.id)
        try await sessions.create(session, tokenDigest: crypto.tokenDigest(secret))
        await audit.record(AuditEvent(type: .supportSessionStarted, occurredAt: now, actor: actor.auditActor, subject: userID,
                                      ip: ipAddress, userAgent: userAgent,
                                      details: Self.details(session, reason: reason)))
        let admin = try await users.find(id: actorID)
        await notice?.started(user: user, by: admin, reason: reason, until: session.expiresAt)
        return (session, secret)
    }

    /// Whether `session` may still be used now: any session of the user's own, and a support
    /// session that has not expired and whose rule still holds (both accounts read again). A
    /// support session the rule no longer allows is ended here, and that end audited.
    public func admits(_ session: BrowserSession) async throws -> Bool {
        guard let mark = session.support else { return true }
        guard session.expiresAt > clock.now else { return false }
        guard try await ownSessionLives(mark) else {
            try await end(session, why: "the administrator's own session ended")
            return false
        }
        if try await stillAllowed(mark, userID: session.userID) { return true }
        try await end(session, why: "no longer allowed")
        return false
    }

    /// Whether the administrator's own session the support session was started from is still
    /// live: signing out there (or everywhere), or that session expiring, ends this one too.
    func ownSessionLives(_ mark: SupportMark) async throws -> Bool {
        guard let id = mark.impersonatorSessionID, let own = try await sessions.find(id: id) else { return false }
        return own.userID == mark.impersonatorID && own.support == nil && own.expiresAt > clock.now
    }

    /// The live support session `id` of the user, acted in by `impersonatorID`, when it may still
    /// be used (`admits`); nil otherwise. The token endpoint's check for a code issued in one.
    public func liveSession(id: UUID, userID: UUID, impersonatorID: UUID) async throws -> BrowserSession? {
        guard let session = try await sessions.find(id: id), session.userID == userID,
              session.support?.impersonatorID == impersonatorID, try await admits(session) else { return nil }
        return session
    }

    /// How long `session` has left now (for the banner); zero once it expired.
    public func timeLeft(_ session: BrowserSession) -> TimeInterval {
        max(0, session.expiresAt.timeIntervalSince(clock.now))
    }

    /// Ends a support session (the banner's button, a sign-out in it, or the rule) and audits it.
    /// Does nothing to a session of the user's own.
    public func end(_ session: BrowserSession, why: String) async throws {
        guard let mark = session.support else { return }
        try await sessions.revoke(id: session.id, at: clock.now)
        var details = Self.details(session, reason: mark.reason)
        details["ended"] = why
        await audit.record(AuditEvent(type: .supportSessionEnded, occurredAt: clock.now, actor: AuditEvent.user(mark.impersonatorID),
                                      subject: session.userID, details: details))
    }

    /// Audits tokens issued to `clientID` from a code of a support session.
    public func recordTokensIssued(_ session: BrowserSession, clientID: String, scopes: [String]) async {
        guard let mark = session.support else { return }
        var details = Self.details(session, reason: mark.reason)
        details["scope"] = Scope.join(scopes)
        await audit.record(AuditEvent(type: .supportTokensIssued, occurredAt: clock.now, actor: AuditEvent.user(mark.impersonatorID),
                                      subject: session.userID, clientID: clientID, details: details))
    }

    /// The support sessions started as the user, newest first (for `/account`).
    public func history(userID: UUID) async throws -> [SupportSignInRecord] {
        try await sessions.supportSignIns(userID: userID, limit: Self.historyLimit)
    }

    /// Reads both accounts as stored now and asks the rule. The administrator must still be an
    /// active account: a suspended administrator's support sessions end with their own.
    func stillAllowed(_ mark: SupportMark, userID: UUID) async throws -> Bool {
        guard let admin = try await users.find(id: mark.impersonatorID), admin.status == .active,
              let user = try await users.find(id: userID) else { return false }
        let actor = try await principals.principal(userID: admin.id)
        return SupportSignInRules.refusal(actor, try await target(user)) == nil
    }

    func target(_ user: User) async throws -> SupportSignInRules.Target {
        let held = try await principals.principal(userID: user.id).roles
        return SupportSignInRules.Target(userID: user.id, status: user.status, platformRole: held.platformRole,
                                         organizationRoles: held.organizationRoles)
    }

    static func details(_ session: BrowserSession, reason: String) -> [String: String] {
        ["action": "support sign-in", "session_id": session.id.uuidString.lowercased(), "reason": reason,
         "expires_at": String(session.expiresAt.numericDate)]
    }
}

/// Tells the user that a support session as them started (the web layer's mail).
public protocol SupportSignInNotice: Sendable {
    func started(user: User, by admin: User?, reason: String, until: Date) async
}

extension AuditEventType {
    /// An administrator started a support session as the subject (`details`: reason, session id).
    public static let supportSessionStarted = AuditEventType("support_session_started")
    /// Tokens were issued to a client from a code of a support session.
    public static let supportTokensIssued = AuditEventType("support_tokens_issued")
    /// A support session was ended (`details["ended"]`: by whom or why).
    public static let supportSessionEnded = AuditEventType("support_session_ended")
}
