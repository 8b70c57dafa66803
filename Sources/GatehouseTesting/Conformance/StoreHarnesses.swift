import Foundation
import GatehouseCore

/// The durable ports (PostgreSQL's) as one deployment has them, for the conformance suites:
/// the real stores over one database (`DurableStores.postgres`, in GatehouseTestingStack) or the
/// twins (`inMemory()`). Checks create the users and clients their rows refer to, as the
/// database's foreign keys require.
public struct DurableStores: Sendable {
    public var users: any UserStore
    public var clients: any ClientStore
    public var consents: any ConsentStore
    public var sessions: any SessionStore
    public var refreshTokens: any RefreshTokenStore
    public var mfaCredentials: any MFACredentialStore
    public var recoveryCodes: any RecoveryCodeStore
    public var passwordResets: any PasswordResetStore
    public var lockouts: any LockoutStore
    public var organizations: any OrganizationStore
    public var memberships: any MembershipStore
    public var customRoles: any CustomRoleStore
    public var invitations: any InvitationStore
    /// The user lifecycle's atomic writes (issue 11).
    public var lifecycle: any UserLifecycleStore
    /// A password history that keeps this many hashes per account.
    public var passwordHistory: @Sendable (_ keeping: Int) -> any PasswordHistoryStore
    /// Deletes a user and what refers to it (the operator's `PostgresUserStore.delete`).
    public var deleteUser: @Sendable (UUID) async throws -> Bool
    /// The user directory over the stores above (issue 11).
    public var directory: any UserDirectoryStore

    public init(users: any UserStore, clients: any ClientStore, consents: any ConsentStore, sessions: any SessionStore,
                refreshTokens: any RefreshTokenStore, mfaCredentials: any MFACredentialStore,
                recoveryCodes: any RecoveryCodeStore, passwordResets: any PasswordResetStore, lockouts: any LockoutStore,
                organizations: any OrganizationStore, memberships: any MembershipStore, customRoles: any CustomRoleStore,
                invitations: any InvitationStore, lifecycle: any UserLifecycleStore,
                passwordHistory: @escaping @Sendable (Int) -> any PasswordHistoryStore,
                deleteUser: @escaping @Sendable (UUID) async throws -> Bool, directory: any UserDirectoryStore) {
        self.users = users
        self.clients = clients
        self.consents = consents
        self.sessions = sessions
        self.refreshTokens = refreshTokens
        self.mfaCredentials = mfaCredentials
        self.recoveryCodes = recoveryCodes
        self.passwordResets = passwordResets
        self.lockouts = lockouts
        self.organizations = organizations
        self.memberships = memberships
        self.customRoles = customRoles
        self.invitations = invitations
        self.lifecycle = lifecycle
        self.passwordHistory = passwordHistory
        self.deleteUser = deleteUser
        self.directory = directory
    }

    /// Fresh twins of every durable store.
    public static func inMemory() -> DurableStores {
        let stores = InMemoryStores()
        let users = stores.users
        return DurableStores(
            users: users, clients: stores.clients, consents: stores.consents, sessions: stores.sessions,
            refreshTokens: stores.refreshTokens, mfaCredentials: stores.mfaCredentials, recoveryCodes: stores.recoveryCodes,
            passwordResets: stores.passwordResets, lockouts: stores.lockouts, organizations: stores.organizations,
            memberships: stores.memberships, customRoles: stores.customRoles, invitations: stores.invitations,
            lifecycle: stores.lifecycle,
            passwordHistory: { [history = stores.passwordHistory] in history.keeping($0) },
            deleteUser: { try await users.delete(id: $0) }, directory: stores.directory)
    }
}

/// The short-lived ports (Redis's), for the conformance suites: the real stores under a key
/// prefix of their own (`EphemeralStores.redis`, in GatehouseTestingStack) or the twins over a
/// `TestClock` (`inMemory()`).
public struct EphemeralStores: Sendable {
    public var states: any AuthorizationStateStore
    public var counter: any AttemptCounter
    public var pendingSignIns: any PendingSignInStore
    public var verifications: any VerificationStore
    /// What one stored pending request costs beyond its value (`RedisAuthorizationStateStore.bookkeepingBytes`).
    public var pendingBookkeepingBytes: Int
    /// Lets `duration` pass for the stores' TTLs: the twins' clock moves; for Redis, whose TTLs
    /// run on its own clock, the check waits (`Fixtures.pastShortLife`: five seconds).
    public var elapse: @Sendable (Duration) async throws -> Void

    public init(states: any AuthorizationStateStore, counter: any AttemptCounter, pendingSignIns: any PendingSignInStore,
                verifications: any VerificationStore, pendingBookkeepingBytes: Int,
                elapse: @escaping @Sendable (Duration) async throws -> Void) {
        self.states = states
        self.counter = counter
        self.pendingSignIns = pendingSignIns
        self.verifications = verifications
        self.pendingBookkeepingBytes = pendingBookkeepingBytes
        self.elapse = elapse
    }

    /// Fresh twins over a clock of their own.
    public static func inMemory() -> EphemeralStores {
        let clock = TestClock()
        let states = InMemoryAuthorizationStateStore(clock: clock)
        return EphemeralStores(
            states: states, counter: InMemoryAttemptCounter(), pendingSignIns: InMemoryPendingSignInStore(clock: clock),
            verifications: InMemoryVerificationStore(clock: clock), pendingBookkeepingBytes: states.bookkeepingBytes,
            elapse: { clock.advance(by: $0) })
    }
}

/// An outbox with a queue of its own (nothing else enqueues into it: claims see "every due
/// row"), the clock it stamps mail with, and a way to make one with mail switched off.
public struct MailStores: Sendable {
    public typealias Outbox = MailOutbox & MailQueue & MailboxReader

    public var outbox: any Outbox
    public var clock: TestClock
    /// An outbox of the same kind built with `isEnabled: false`.
    public var disabled: any MailOutbox
    /// The Message-ID domain `outbox` was built with.
    public var messageIDDomain: String

    public init(outbox: any Outbox, clock: TestClock, disabled: any MailOutbox, messageIDDomain: String) {
        self.outbox = outbox
        self.clock = clock
        self.disabled = disabled
        self.messageIDDomain = messageIDDomain
    }

    public static func inMemory() -> MailStores {
        let clock = TestClock(Date(timeIntervalSince1970: 1_900_000_000))
        return MailStores(outbox: InMemoryMailOutbox(messageIDDomain: "id.gatehouse.test", clock: clock), clock: clock,
                          disabled: InMemoryMailOutbox(isEnabled: false, clock: clock), messageIDDomain: "id.gatehouse.test")
    }
}
