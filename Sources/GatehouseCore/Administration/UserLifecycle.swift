import Foundation

/// The user lifecycle (issue 11 item 3), one service for the console, the API, the CLI and
/// `/account`: suspend, reactivate, deactivate, erase (GDPR) and export. Who may act on whom is
/// `UserAdministrationRules`, asked here on every call with roles read from the database; the
/// atomic part (status with the end of every credential, the erasure) is `UserLifecycleStore`.
///
/// Suspending or deactivating stops every browser session, refresh token and access token at
/// once (`AccountStanding`); reactivating restores none of them. Each change is an audit event;
/// an erasure is also announced on the live event stream (`user.erased`) so connected systems
/// can purge their copies.
public struct UserLifecycle: Sendable {
    let users: any UserStore
    let memberships: any MembershipStore
    let store: any UserLifecycleStore
    let audit: any AuditLog
    let clock: any Clock
    /// Writes the mail an account's owner gets when it is closed (nil: mail is off).
    let notices: (any AccountClosingNotice)?
    let outbox: (any MailOutbox)?
    /// Where `user.erased` is announced (nil where nobody watches: a CLI without Redis).
    let events: (any LiveEventBus)?
    /// The brute-force locks and counts, lifted at an erasure (they are keyed by the address);
    /// nil in the shell, where their counters (Redis) may not be configured, and they expire.
    let attempts: AttemptLimiter?

    public init(users: any UserStore, memberships: any MembershipStore, store: any UserLifecycleStore, audit: any AuditLog,
                clock: any Clock, notices: (any AccountClosingNotice)? = nil, outbox: (any MailOutbox)? = nil,
                events: (any LiveEventBus)? = nil, attempts: AttemptLimiter? = nil) {
        self.users = users
        self.memberships = memberships
        self.store = store
        self.audit = audit
        self.clock = clock
        self.notices = notices
        self.outbox = outbox
        self.events = events
        self.attempts = attempts
    }

    /// Why an action was refused; each maps to one status in the API and one message in the CLI.
    public enum Refusal: Error, Equatable, Sendable {
        /// 404: no such account, or not one the caller may see.
        case notFound
        /// 403: the caller sees the account but may not do this to it.
        case notPermitted
        /// 409: the caller named their own account; self-service is `/account`.
        case ownAccount
        /// 409: the account holds the last active `super_admin`.
        case lastSuperAdmin
        /// 409: the account already has the status the action leads to, or one it cannot leave this way.
        case status(AccountStatus)
    }

    // MARK: - Administration

    public func suspend(userID: UUID, by principal: Principal) async throws -> User {
        try await change(userID, .suspend, .suspend, event: .userSuspended, by: principal)
    }

    public func reactivate(userID: UUID, by principal: Principal) async throws -> User {
        try await change(userID, .reactivate, .reactivate, event: .userReactivated, by: principal)
    }

    public func deactivate(userID: UUID, by principal: Principal) async throws -> User {
        try await change(userID, .deactivate, .deactivate, event: .userDeactivated, by: principal)
    }

    /// Erases the account (GDPR Art. 17). Returns the id, which now names nobody.
    public func erase(userID: UUID, by principal: Principal) async throws {
        let user = try await target(userID, .erase, by: principal)
        try await erase(user, by: principal)
    }

    /// Everything stored about the account, as one document.
    public func export(userID: UUID, by principal: Principal, exporter: UserExporter) async throws -> UserExport {
        let user = try await target(userID, .export, by: principal)
        await record(.userExported, user.id, by: principal)
        return try await exporter.export(user)
    }

    // MARK: - Self-service (`/account`, after the page checked the password and second factor)

    /// The signed-in user closes their own account; a mail tells them how to get it back.
    public func deactivateOwnAccount(_ user: User) async throws {
        let principal = Principal(userID: user.id, roles: RoleRules.Actor())
        switch try await store.changeStatus(userID: user.id, from: [.active], to: .deactivated,
                                            notBefore: AccountStanding.notBefore(at: clock.now), by: user.id, at: clock.now) {
        case .changed: break
        case .notFound: throw Refusal.notFound
        case .unchanged(let status): throw Refusal.status(status)
        case .lastSuperAdmin: throw Refusal.lastSuperAdmin
        }
        await record(.userDeactivated, user.id, by: principal)
        if let mail = notices?.mail(to: user, .deactivated), let outbox { try? await outbox.enqueue(mail) }
    }

    /// The signed-in user erases their own account.
    public func eraseOwnAccount(_ user: User) async throws {
        try await erase(user, by: Principal(userID: user.id, roles: RoleRules.Actor()))
    }

    // MARK: - The steps

    private func change(_ userID: UUID, _ action: UserAdministrationRules.Action, _ change: AccountStatus.Change,
                        event: AuditEventType, by principal: Principal) async throws -> User {
        var user = try await target(userID, action, by: principal)
        let now = clock.now, to = change.to
        switch try await store.changeStatus(userID: userID, from: change.from, to: to, notBefore: AccountStanding.notBefore(at: now),
                                            by: principal.userID, at: now) {
        case .changed: break
        case .notFound: throw Refusal.notFound
        case .unchanged(let status): throw Refusal.status(status)
        case .lastSuperAdmin: throw Refusal.lastSuperAdmin
        }
        await record(event, userID, by: principal)
        if to == .deactivated, let mail = notices?.mail(to: user, .deactivated), let outbox { try? await outbox.enqueue(mail) }
        user.status = to
        return user
    }

    /// The farewell is queued inside the erasure's transaction, after the address's other mail is
    /// removed and before the address itself goes (the outbox forgets it once the mail is sent).
    /// The `user_erased` event is appended after the commit (never for an erasure that failed),
    /// and then its own personal part is erased too: a user erasing themselves leaves no address.
    private func erase(_ user: User, by principal: Principal) async throws {
        let now = clock.now
        switch try await store.erase(userID: user.id, by: principal.userID, at: now, farewell: notices?.mail(to: user, .erased)) {
        case .erased: break
        case .notFound: throw Refusal.notFound
        case .lastSuperAdmin: throw Refusal.lastSuperAdmin
        }
        await record(.userErased, user.id, by: principal)
        try await store.erasePersonalAuditData(userID: user.id, at: clock.now)
        // After the erasure committed: a failure here leaves locks that expire, never an account.
        try? await attempts?.liftEverything(of: user)
        let id = user.id.uuidString.lowercased()
        try? await events?.publish(LiveEvent(type: .userErased, occurredAt: now, data: ["user_id": id],
                                             audience: LiveEventAudience(userID: nil, platformRole: .operator)))
    }

    /// The account, when `principal` may do `action` to it; otherwise the refusal. The caller's
    /// standing is asked before the account is read, so a plain user learns nothing about ids.
    func target(_ userID: UUID, _ action: UserAdministrationRules.Action, by principal: Principal) async throws -> User {
        guard UserAdministrationRules.administersUsers(principal.roles) else { throw Refusal.notPermitted }
        guard let user = try await users.find(id: userID) else { throw Refusal.notFound }
        let platformRole = try await memberships.platformRole(userID: userID)
        let organizations = try await memberships.memberships(userID: userID)
        let target = UserAdministrationRules.Target(
            userID: userID, platformRole: platformRole,
            organizationRoles: Dictionary(organizations.map { ($0.organizationID, $0.role) }, uniquingKeysWith: max),
            activeSuperAdmins: platformRole == .superAdmin ? try await store.activeSuperAdmins() : 0)
        switch UserAdministrationRules.refusal(principal, action, target) {
        case nil: return user
        case .outside: throw Refusal.notFound
        case .notPermitted: throw Refusal.notPermitted
        case .ownAccount: throw Refusal.ownAccount
        case .lastSuperAdmin: throw Refusal.lastSuperAdmin
        }
    }

    private func record(_ type: AuditEventType, _ userID: UUID, by principal: Principal) async {
        await audit.record(AuditEvent(type: type, occurredAt: clock.now, actor: principal.auditActor, subject: userID))
    }
}

/// The mail an account's owner gets when it is closed, written by the web layer's composer.
public protocol AccountClosingNotice: Sendable {
    /// Nil when there is nothing to send.
    func mail(to user: User, _ closing: AccountClosing) -> OutgoingMail?
}

public enum AccountClosing: String, Sendable {
    case deactivated, erased
}

extension AuditEventType {
    public static let userSuspended = AuditEventType("user_suspended")
    public static let userReactivated = AuditEventType("user_reactivated")
    public static let userDeactivated = AuditEventType("user_deactivated")
    public static let userErased = AuditEventType("user_erased")
    public static let userExported = AuditEventType("user_exported")
}

extension LiveEventType {
    /// An account was erased: connected systems should purge what they keep about `user_id`.
    public static let userErased = LiveEventType(rawValue: "user.erased")
}
