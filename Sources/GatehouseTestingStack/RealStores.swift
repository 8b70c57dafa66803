import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseRedis
import GatehouseTesting

extension DurableStores {
    /// The PostgreSQL stores over `pool`, for the conformance suites (GatehousePostgresTests).
    public static func postgres(pool: PostgresPool) -> DurableStores {
        let users = PostgresUserStore(pool: pool)
        return DurableStores(
            users: users, clients: PostgresClientStore(pool: pool), consents: PostgresConsentStore(pool: pool),
            sessions: PostgresSessionStore(pool: pool), refreshTokens: PostgresRefreshTokenStore(pool: pool),
            mfaCredentials: PostgresMFACredentialStore(pool: pool), recoveryCodes: PostgresRecoveryCodeStore(pool: pool),
            passwordResets: PostgresPasswordResetStore(pool: pool), lockouts: PostgresLockoutStore(pool: pool),
            organizations: PostgresOrganizationStore(pool: pool), memberships: PostgresMembershipStore(pool: pool),
            customRoles: PostgresCustomRoleStore(pool: pool), invitations: PostgresInvitationStore(pool: pool),
            lifecycle: PostgresUserLifecycleStore(pool: pool, messageIDDomain: "id.gatehouse.test"),
            passwordHistory: { PostgresPasswordHistoryStore(pool: pool, keeping: $0) },
            deleteUser: { try await users.delete(id: $0) }, directory: PostgresUserDirectoryStore(pool: pool))
    }
}

extension DurableStores {
    /// The PostgreSQL stores over a database of their own with every migration, dropped when
    /// `body` returns: for checks that count or list across the whole database (platform roles,
    /// global roles, permissions), which other tests running at the same time would disturb.
    public static func withScratchPostgres(_ body: (DurableStores) async throws -> Void) async throws {
        try await ScratchDatabase.withEveryMigration { pool in try await body(.postgres(pool: pool)) }
    }
}

extension EphemeralStores {
    /// The Redis stores over `pool` under a key prefix of their own, for the conformance suites
    /// (GatehouseRedisTests). Redis's TTLs run on its own clock, so `elapse` waits.
    public static func redis(pool: RedisPool, prefix: String = "test:\(UUID().uuidString.lowercased()):") -> EphemeralStores {
        EphemeralStores(
            states: RedisAuthorizationStateStore(pool: pool, prefix: prefix), counter: RedisAttemptCounter(pool: pool, prefix: prefix + "limit:"),
            pendingSignIns: RedisPendingSignInStore(pool: pool, prefix: prefix), verifications: RedisVerificationStore(pool: pool, prefix: prefix),
            pendingBookkeepingBytes: RedisAuthorizationStateStore.bookkeepingBytes,
            elapse: { try await Task.sleep(for: $0) })
    }
}

extension MailStores {
    /// The migrations the outbox table needs.
    public static let outboxMigrations = ["0002_email_outbox.sql", "0012_email_outbox_redaction.sql"]

    /// `PostgresMailOutbox` over a scratch database of its own (claims take every due row, which
    /// must not include other tests' mail), dropped when `body` returns.
    public static func withPostgres(_ body: (MailStores) async throws -> Void) async throws {
        try await ScratchDatabase.with(migrations: outboxMigrations) { pool in
            let clock = TestClock(Date(timeIntervalSince1970: 1_900_000_000))
            try await body(MailStores(
                outbox: PostgresMailOutbox(pool: pool, messageIDDomain: "id.gatehouse.test", clock: clock), clock: clock,
                disabled: PostgresMailOutbox(pool: pool, isEnabled: false, messageIDDomain: "id.gatehouse.test", clock: clock),
                messageIDDomain: "id.gatehouse.test"))
        }
    }
}
