import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseTestingStack
import Testing

/// The no-reuse rule end to end: real argon2id hashes in the real `password_history` table
/// (migration 0003), checked by `PasswordPolicy.reuseViolation`.
@Suite("PasswordPolicy history (PostgreSQL)")
struct PostgresPasswordHistoryStoreTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// A fresh user of its own, so tests running in parallel never share a history.
    func makeUser(_ pool: PostgresPool, passwordHash: String? = nil) async throws -> User {
        let user = User(id: UUID(), email: "history-\(UUID().uuidString.lowercased())@example.com", emailVerified: true,
                        passwordHash: passwordHash, createdAt: start, updatedAt: start)
        try await PostgresUserStore(pool: pool).create(user)
        return user
    }

    @Test("of 6 recorded passwords the last 5 are refused and the oldest is allowed again (history 5)")
    func lastFiveRefused() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let user = try await makeUser(pool)
            let policy = PasswordPolicy()
            let history = PostgresPasswordHistoryStore(pool: pool, keeping: policy.settings.historyCount)
            let hasher = try TestProvider.cheapHasher()
            let passwords = (1...6).map { "history passphrase number \($0)" }
            for (index, password) in passwords.enumerated() {
                try await history.record(userID: user.id, hash: try await hasher.hash(PasswordPolicy.normalized(password)),
                                         at: start.addingTimeInterval(Double(index) * 60))
            }
            #expect(try await history.recentHashes(userID: user.id, limit: 10).count == 5, "older hashes are pruned")
            for password in passwords.dropFirst() {
                let violation = try await policy.reuseViolation(of: password, userID: user.id, currentHash: nil,
                                                                history: history, hasher: hasher)
                #expect(violation == .reused(count: 5), "\(password)")
            }
            #expect(try await policy.reuseViolation(of: passwords[0], userID: user.id, currentHash: nil,
                                                    history: history, hasher: hasher) == nil)
            #expect(try await policy.reuseViolation(of: "a brand new passphrase", userID: user.id, currentHash: nil,
                                                    history: history, hasher: hasher) == nil)
        }
    }

    @Test("the current password counts even before any history was recorded, compared in NFKC form")
    func currentPassword() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let hasher = try TestProvider.cheapHasher()
            let current = try await hasher.hash(PasswordPolicy.normalized("ｔｕｌｉｐ ｑｕａｒｒｙ"))
            let user = try await makeUser(pool, passwordHash: current)
            let history = PostgresPasswordHistoryStore(pool: pool, keeping: 5)
            let violation = try await PasswordPolicy().reuseViolation(of: "tulip quarry", userID: user.id, currentHash: current,
                                                                      history: history, hasher: hasher)
            #expect(violation == .reused(count: 5))
        }
    }

    @Test("history 0 keeps nothing and checks nothing")
    func historyOff() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let user = try await makeUser(pool)
            let hasher = try TestProvider.cheapHasher()
            var settings = PasswordPolicySettings()
            settings.historyCount = 0
            let history = PostgresPasswordHistoryStore(pool: pool, keeping: settings.historyCount)
            let hash = try await hasher.hash("tulip quarry")
            try await history.record(userID: user.id, hash: hash, at: start)
            #expect(try await history.recentHashes(userID: user.id, limit: 5) == [])
            #expect(try await PasswordPolicy(settings: settings).reuseViolation(
                of: "tulip quarry", userID: user.id, currentHash: hash, history: history, hasher: hasher) == nil)
        }
    }

    @Test("sign-in verifies the NFKC form, so a full-width password matches its hash")
    func loginNormalizes() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let hasher = try TestProvider.cheapHasher()
            let user = try await makeUser(pool, passwordHash: try await hasher.hash(PasswordPolicy.normalized("tulip quarry")))
            let login = PasswordLogin(users: PostgresUserStore(pool: pool), hasher: hasher, clock: TestClock(start))
            #expect(try await login.authenticate(email: user.email, password: "ｔｕｌｉｐ ｑｕａｒｒｙ") == .success(user))
            #expect(try await login.authenticate(email: user.email, password: "tulip quarry") == .success(user))
            #expect(try await login.authenticate(email: user.email, password: "tulip quarrx") == .invalidCredentials)
        }
    }
}
