import Foundation
import GatehouseCore

/// `VerificationStore` in memory, as `RedisVerificationStore` behaves
/// (`SignInStatesConformance`): the challenge and its attempt count under one ticket, a new
/// challenge starting the count over, and resend throttles, each gone once `clock` passes its TTL.
public actor InMemoryVerificationStore: VerificationStore {
    struct Expiring<Value> { var value: Value; var expiresAt: Date }

    let clock: any Clock
    var challenges: [String: Expiring<VerificationChallenge>] = [:]
    var attempts: [String: Expiring<Int>] = [:]
    var throttles: [String: Date] = [:]

    public init(clock: any Clock) {
        self.clock = clock
    }

    public func save(_ challenge: VerificationChallenge, ticket: String, ttl: Duration) async throws {
        challenges[ticket] = Expiring(value: challenge, expiresAt: expiry(ttl))
        attempts[ticket] = nil
    }

    public func challenge(ticket: String) async throws -> VerificationChallenge? {
        guard let entry = challenges[ticket], entry.expiresAt > clock.now else { return nil }
        return entry.value
    }

    public func recordAttempt(ticket: String, ttl: Duration) async throws -> Int {
        let count = (attempts[ticket].flatMap { $0.expiresAt > clock.now ? $0.value : nil } ?? 0) + 1
        attempts[ticket] = Expiring(value: count, expiresAt: expiry(ttl))
        return count
    }

    public func delete(ticket: String) async throws {
        challenges[ticket] = nil
        attempts[ticket] = nil
    }

    public func allowOnce(key: String, per interval: Duration) async throws -> Bool {
        if let until = throttles[key], until > clock.now { return false }
        throttles[key] = expiry(interval)
        return true
    }

    func expiry(_ ttl: Duration) -> Date {
        clock.now.addingTimeInterval(InMemoryAuthorizationStateStore.seconds(ttl))
    }
}
