import Foundation
import GatehouseCore

/// One in-memory deployment: a twin of every store, sharing one clock, the relational ones
/// referring to one user store and one client store as PostgreSQL's foreign keys do. For Core's
/// tests (flows, grants, limits) that need the ports without PostgreSQL or Redis; the properties
/// are the twins themselves, so a test can also read what they hold.
public struct InMemoryStores: Sendable {
    public let clock: TestClock
    public let users: InMemoryUserStore
    public let clients: InMemoryClientStore
    public let consents: InMemoryConsentStore
    public let sessions: InMemorySessionStore
    public let refreshTokens: InMemoryRefreshTokenStore
    public let states: InMemoryAuthorizationStateStore
    public let counter: InMemoryAttemptCounter
    public let lockouts: InMemoryLockoutStore
    public let mfaCredentials: InMemoryMFACredentialStore
    public let recoveryCodes: InMemoryRecoveryCodeStore
    public let pendingSignIns: InMemoryPendingSignInStore
    public let verifications: InMemoryVerificationStore
    public let passwordResets: InMemoryPasswordResetStore
    public let passwordHistory: InMemoryPasswordHistoryStore
    public let mail: InMemoryMailOutbox
    public let audit: InMemoryAuditLog
    public let organizations: InMemoryOrganizationStore
    public let memberships: InMemoryMembershipStore
    public let customRoles: InMemoryCustomRoleStore
    public let invitations: InMemoryInvitationStore
    public let directory: InMemoryUserDirectoryStore
    public let lifecycle: InMemoryUserLifecycleStore

    /// - Parameter passwordHistory: how many password hashes to keep per account.
    public init(clock: TestClock = TestClock(Date(timeIntervalSince1970: 1_900_000_000)), passwordHistory: Int = 5) {
        self.clock = clock
        users = InMemoryUserStore()
        clients = InMemoryClientStore()
        consents = InMemoryConsentStore(users: users, clients: clients)
        sessions = InMemorySessionStore(users: users)
        states = InMemoryAuthorizationStateStore(clock: clock)
        counter = InMemoryAttemptCounter()
        lockouts = InMemoryLockoutStore()
        mfaCredentials = InMemoryMFACredentialStore(users: users)
        recoveryCodes = InMemoryRecoveryCodeStore(users: users)
        pendingSignIns = InMemoryPendingSignInStore(clock: clock)
        verifications = InMemoryVerificationStore(clock: clock)
        passwordResets = InMemoryPasswordResetStore(users: users)
        self.passwordHistory = InMemoryPasswordHistoryStore(keeping: passwordHistory, users: users)
        mail = InMemoryMailOutbox(clock: clock)
        audit = InMemoryAuditLog()
        organizations = InMemoryOrganizationStore(users: users)
        customRoles = InMemoryCustomRoleStore(users: users, organizations: organizations)
        memberships = InMemoryMembershipStore(users: users, organizations: organizations, customRoles: customRoles,
                                              mfaCredentials: mfaCredentials)
        refreshTokens = InMemoryRefreshTokenStore(users: users, clients: clients, memberships: memberships)
        invitations = InMemoryInvitationStore(users: users, organizations: organizations, memberships: memberships)
        directory = InMemoryUserDirectoryStore(users: users, memberships: memberships, credentials: mfaCredentials, sessions: sessions)
        lifecycle = InMemoryUserLifecycleStore(users: users, sessions: sessions, refreshTokens: refreshTokens, memberships: memberships,
                                               audit: audit)
    }
}
