import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

/// `AttemptLimiter` on the twins, one scripted row per rule: reserve before any secret is
/// checked, count failures, lock on the failure that fills the window (once, durably), start
/// over on success, give back what was never checked, lift; and the address's failure slot every
/// sign-in step reserves beside the account's (only failures count per address; trusted networks
/// are exempt). Each line of a script states the exact answer: the attempt's number, the
/// attempts left, or the refusal's scope and `Retry-After`.
@Suite("AttemptLimiter: per-account and per-address failures")
struct AttemptLimiterTests {
    /// Whose secret: a password (per email), a user's second factors, or the codes proving an email.
    enum Who: Sendable {
        case password(Int)
        case secondFactor(Int)
        case emailCode(Int)

        var subject: AttemptSubject {
            switch self {
            case .password(let n): .password(email: "user\(n)@example.test")
            case .secondFactor(let n): .secondFactor(userID: AttemptLimiterTests.userID(n))
            case .emailCode(let n): .emailCode(email: "user\(n)@example.test")
            }
        }
    }

    /// Where from: two addresses, a trusted network, or no origin at all (`reserve(_:clientIP:)`).
    enum From: Sendable { case a, b, trusted, noOrigin }

    enum Action: Sendable {
        case reserve(Who = .password(0), from: From = .a)
        /// The secret of the newest reservation was wrong / right / never checked.
        case fail, succeed, abandon
        case lift(Who = .password(0))
        /// A completed reset link for user 0.
        case liftAfterPasswordReset
        case advance(TimeInterval)
        /// Redis restarted (FLUSHALL): every counter forgotten; PostgreSQL keeps its locks.
        case restartRedis
        /// The lock row deleted behind the limiter's back (to see Redis learned the lock again).
        case forgetDurableLock(Who = .password(0))
    }

    enum Answer: Equatable, Sendable {
        /// Admitted as attempt n of the window (0: the limit is off).
        case attempt(Int)
        /// A wrong secret, n attempts left.
        case left(Int)
        /// Refused, with `Retry-After` in whole seconds.
        case refused(TooManyAttempts.Scope, seconds: Int)
        case done
    }

    struct Line: Sendable {
        let action: Action
        let answer: Answer
        init(_ action: Action, _ answer: Answer = .done) {
            self.action = action
            self.answer = answer
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let rule: String
        var settings: @Sendable (inout ProtectionSettings) -> Void = { _ in }
        let script: [Line]
        /// How many lockouts the observers heard of by the end (nil: not checked).
        var lockoutsTold: Int?
        var testDescription: String { rule }
    }

    static func userID(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    /// `n` wrong secrets in a row for `who` from `from`, starting at attempt `first` of a limit of 5.
    static func failures(_ n: Int, _ who: Who = .password(0), from: From = .a, first: Int = 1) -> [Line] {
        (first..<first + n).flatMap { attempt in
            [Line(.reserve(who, from: from), .attempt(attempt)), Line(.fail, .left(5 - attempt))]
        }
    }

    /// Five wrong secrets: the fifth locks for the 15-minute lockout.
    static func lockout(_ who: Who = .password(0), scope: TooManyAttempts.Scope = .password, from: From = .a) -> [Line] {
        failures(4, who, from: from) + [Line(.reserve(who, from: from), .attempt(5)), Line(.fail, .refused(scope, seconds: 900))]
    }

    static func perAddress(_ action: RateLimitedAction, limit: Int) -> @Sendable (inout ProtectionSettings) -> Void {
        { $0.perIP[action] = LimitPolicy(limit: limit, window: .seconds(300)) }
    }

    static let rows: [Row] = [
        // Per account (OWASP ASVS V2.2.1).
        Row(rule: "each attempt is numbered when reserved; a wrong secret says how many are left",
            script: failures(2), lockoutsTold: 0),
        Row(rule: "the failure that fills the window locks the account for the lockout and tells the observers once",
            script: lockout() + [Line(.reserve(), .refused(.password, seconds: 900)), Line(.reserve(), .refused(.password, seconds: 900))],
            lockoutsTold: 1),
        Row(rule: "a locked account is refused before any secret is checked until the lock ends; then it starts over",
            script: lockout() + [Line(.advance(600)), Line(.reserve(), .refused(.password, seconds: 300)),
                                 Line(.advance(300)), Line(.reserve(), .attempt(1))]),
        Row(rule: "a right secret starts the count over",
            script: failures(4) + [Line(.reserve(), .attempt(5)), Line(.succeed), Line(.reserve(), .attempt(1))]),
        Row(rule: "an attempt whose secret was never checked is given back",
            script: [Line(.reserve(), .attempt(1)), Line(.abandon), Line(.reserve(), .attempt(1))]),
        Row(rule: "attempts are reserved before the check: with five in flight a sixth is refused",
            script: (1...5).map { Line(.reserve(), .attempt($0)) } + [Line(.reserve(), .refused(.password, seconds: 900))],
            lockoutsTold: 0),
        Row(rule: "the window ends a lockout-length after its first failure, and the count starts over",
            script: failures(4) + [Line(.advance(900)), Line(.reserve(), .attempt(1))]),
        Row(rule: "the lock outlives a Redis restart, and Redis is told it again",
            script: lockout() + [Line(.restartRedis), Line(.reserve(), .refused(.password, seconds: 900)),
                                 Line(.forgetDurableLock()), Line(.reserve(), .refused(.password, seconds: 900))],
            lockoutsTold: 1),
        Row(rule: "lifting ends the lock and forgets the failures",
            script: lockout() + [Line(.lift()), Line(.reserve(), .attempt(1))]),
        Row(rule: "a reset link lifts the password lock and the emailed-code counts, never the second-factor lock",
            script: lockout(.password(0)) + lockout(.secondFactor(0), scope: .secondFactor) + lockout(.emailCode(0), scope: .emailCode)
                + [Line(.liftAfterPasswordReset), Line(.reserve(.password(0)), .attempt(1)), Line(.reserve(.emailCode(0)), .attempt(1)),
                   Line(.reserve(.secondFactor(0)), .refused(.secondFactor, seconds: 900))],
            lockoutsTold: 3),
        Row(rule: "passwords, second factors and emailed codes are counted apart, and per account",
            settings: { $0.perIP = [:] },
            script: failures(4, .password(0)) + [Line(.reserve(.secondFactor(0)), .attempt(1)), Line(.reserve(.emailCode(0)), .attempt(1)),
                                                 Line(.reserve(.password(1)), .attempt(1))]),
        Row(rule: "a limit of 0 switches the account's limit off: nothing counts, nothing locks",
            settings: { $0.passwordFailures.limit = 0 },
            script: (0..<8).flatMap { _ in [Line(.reserve(), .attempt(0)), Line(.fail, .left(Int.max))] }, lockoutsTold: 0),
        Row(rule: "the account's limit holds without an origin too (the account page's password)",
            script: lockout(from: .noOrigin) + [Line(.reserve(from: .a), .refused(.password, seconds: 900))]),
        // Per address: only failures count (DESIGN.md, "Limits that a shared network survives").
        Row(rule: "an address out of failures is refused across accounts, before the account is counted",
            settings: perAddress(.login, limit: 2),
            script: failures(1, .password(0)) + failures(1, .password(1))
                + [Line(.reserve(.password(2)), .refused(.network(.login), seconds: 300)),
                   Line(.reserve(.password(2), from: .b), .attempt(1))]),
        Row(rule: "a right secret gives the address's failure back: a crowd signing in correctly is never refused",
            settings: perAddress(.login, limit: 2),
            script: (0..<10).flatMap { [Line(.reserve(.password($0)), .attempt(1)), Line(.succeed)] }),
        Row(rule: "an attempt never checked gives the address's failure back",
            settings: perAddress(.login, limit: 1),
            script: [Line(.reserve(.password(0)), .attempt(1)), Line(.abandon), Line(.reserve(.password(1)), .attempt(1))]),
        Row(rule: "a wrong secret keeps the address's failure",
            settings: perAddress(.login, limit: 1),
            script: failures(1, .password(0)) + [Line(.reserve(.password(1)), .refused(.network(.login), seconds: 300))]),
        Row(rule: "a refusal by the account's lock is no failure of the address",
            settings: perAddress(.login, limit: 2),
            script: lockout(from: .trusted) + (0..<4).map { _ in Line(.reserve(), .refused(.password, seconds: 900)) }
                + failures(1, .password(1))),
        Row(rule: "a trusted network is never counted per address, yet its accounts still lock",
            settings: perAddress(.login, limit: 1),
            script: failures(1, .password(1), from: .trusted) + failures(1, .password(2), from: .trusted) + lockout(from: .trusted),
            lockoutsTold: 1),
        Row(rule: "second-factor codes count against the address's second-factor failures, not its password ones",
            settings: { $0.perIP[.secondFactor] = LimitPolicy(limit: 1, window: .seconds(300)) },
            script: failures(1, .secondFactor(0)) + [Line(.reserve(.secondFactor(1)), .refused(.network(.secondFactor), seconds: 300)),
                                                     Line(.reserve(.password(0)), .attempt(1))]),
        Row(rule: "emailed codes count against the address's verification failures",
            settings: { $0.perIP[.verification] = LimitPolicy(limit: 1, window: .seconds(300)) },
            script: failures(1, .emailCode(0)) + [Line(.reserve(.emailCode(1)), .refused(.network(.verification), seconds: 300))]),
    ]

    @Test("the limiter's answer at each step", arguments: rows)
    func script(_ row: Row) async throws {
        let world = World(row)
        var reservation: AttemptReservation?
        for (index, line) in row.script.enumerated() {
            let answer: Answer
            do {
                answer = try await world.perform(line.action, reservation: &reservation)
            } catch let refusal as TooManyAttempts {
                answer = .refused(refusal.scope, seconds: refusal.retryAfterSeconds)
            }
            #expect(answer == line.answer, "line \(index + 1): \(line.action)")
        }
        if let told = row.lockoutsTold {
            #expect(await world.observer.events.count == told)
        }
    }

    @Test("a lockout is reported with its subject, times and the address of the failure that completed it")
    func lockoutEvent() async throws {
        let world = World(Row(rule: "event", script: []))
        var reservation: AttemptReservation?
        for line in Self.lockout() { _ = try? await world.perform(line.action, reservation: &reservation) }
        let event = try #require(await world.observer.events.first)
        #expect(event.subject == .password(email: "user0@example.test"))
        #expect(abs(event.lockedUntil.timeIntervalSince(event.lockedAt) - 900) < 0.001)
        #expect(event.clientIP == "203.0.113.1")
    }

    @Test("counters that cannot be reached refuse the attempt (fail closed, 503), never let it through uncounted")
    func unreachableCounters() async throws {
        let limiter = AttemptLimiter(counter: UnreachableCounter(), lockouts: InMemoryLockoutStore(), settings: ProtectionSettings(),
                                     crypto: TestCrypto(), clock: TestClock(), observer: RecordingLockoutObserver())
        await #expect(throws: ProtectionUnavailable.self) {
            _ = try await limiter.reserve(.password(email: "ada@example.test"), from: ClientOrigin(address: "203.0.113.1"))
        }
        await #expect(throws: ProtectionUnavailable.self) {
            _ = try await limiter.reserve(.password(email: "ada@example.test"), clientIP: nil)
        }
    }

    /// The limiter over fresh twins, with the row's settings.
    struct World {
        let stores = InMemoryStores()
        let observer = RecordingLockoutObserver()
        let limiter: AttemptLimiter
        let counter: ResettableCounter

        init(_ row: Row) {
            var settings = ProtectionSettings()
            row.settings(&settings)
            counter = ResettableCounter()
            limiter = AttemptLimiter(counter: counter, lockouts: stores.lockouts, settings: settings, crypto: TestCrypto(),
                                     clock: stores.clock, observer: observer)
        }

        func origin(_ from: From) -> ClientOrigin? {
            switch from {
            case .a: ClientOrigin(address: "203.0.113.1")
            case .b: ClientOrigin(address: "198.51.100.7")
            case .trusted: ClientOrigin(address: "10.0.0.5", isExempt: true)
            case .noOrigin: nil
            }
        }

        func perform(_ action: Action, reservation: inout AttemptReservation?) async throws -> Answer {
            switch action {
            case .reserve(let who, let from):
                let reserved = if let origin = origin(from) {
                    try await limiter.reserve(who.subject, from: origin)
                } else {
                    try await limiter.reserve(who.subject, clientIP: "203.0.113.1")
                }
                reservation = reserved
                return .attempt(reserved.attempt)
            case .fail:
                return .left(try await #require(reservation).failed())
            case .succeed:
                try await #require(reservation).succeeded()
            case .abandon:
                try await #require(reservation).abandoned()
            case .lift(let who):
                try await limiter.lift(who.subject)
            case .liftAfterPasswordReset:
                try await limiter.liftAfterPasswordReset(for: User(id: AttemptLimiterTests.userID(0), email: "user0@example.test",
                                                                   emailVerified: true, passwordHash: nil, createdAt: .now, updatedAt: .now))
            case .advance(let seconds):
                stores.clock.advance(by: seconds)
            case .restartRedis:
                await counter.restart()
            case .forgetDurableLock(let who):
                try await stores.lockouts.lift(subject: who.subject.digest(TestCrypto()))
            }
            return .done
        }
    }

    /// The counter twin behind a handle that can be swapped for an empty one (a Redis restart).
    actor ResettableCounter: AttemptCounter {
        var base = InMemoryAttemptCounter()

        func restart() { base = InMemoryAttemptCounter() }

        func reserve(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount {
            try await base.reserve(key: key, policy: policy, now: now)
        }
        func peek(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount {
            try await base.peek(key: key, policy: policy, now: now)
        }
        func release(key: String, policy: LimitPolicy, now: Date) async throws {
            try await base.release(key: key, policy: policy, now: now)
        }
        func block(key: String, until: Date, now: Date) async throws {
            try await base.block(key: key, until: until, now: now)
        }
        func reset(key: String, now: Date) async throws { try await base.reset(key: key, now: now) }
        func clear(key: String) async throws { try await base.clear(key: key) }
    }

    struct UnreachableCounter: AttemptCounter {
        struct Down: Error {}
        func reserve(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount { throw Down() }
        func peek(key: String, policy: LimitPolicy, now: Date) async throws -> AttemptCount { throw Down() }
        func release(key: String, policy: LimitPolicy, now: Date) async throws { throw Down() }
        func block(key: String, until: Date, now: Date) async throws { throw Down() }
        func reset(key: String, now: Date) async throws { throw Down() }
        func clear(key: String) async throws { throw Down() }
    }
}
