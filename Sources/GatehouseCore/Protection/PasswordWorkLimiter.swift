import Foundation

/// argon2 work outside sign-in — checking the current password on the account page, the
/// history check and hash of a new password (up to `historyCount + 2` hashes for one request),
/// a registration's hash — admitted per client address and per account *before* the first hash
/// (DESIGN.md: work that costs is limited per address and per account before it is done).
///
/// Every such request counts, right or wrong: the work is the cost, whoever asks. Sign-in is not
/// counted here (its per-IP limit counts failures only, and a per-account lock guards the
/// password); the argon2 pool's bounded queue guards both against floods of any kind. Order:
/// the pool guard (503, nothing counted), the address (`RateLimitedAction.passwordWork`, 429;
/// skipped for a trusted network), then the account (`passwordWorkPerAccount`, 429).
public struct PasswordWorkLimiter: Sendable {
    let network: NetworkRateLimiter
    let counter: any AttemptCounter
    let settings: ProtectionSettings
    let hasher: any PasswordHasher
    let crypto: any CryptoPrimitives
    let clock: any Clock

    public init(network: NetworkRateLimiter, counter: any AttemptCounter, settings: ProtectionSettings,
                hasher: any PasswordHasher, crypto: any CryptoPrimitives, clock: any Clock) {
        self.network = network
        self.counter = counter
        self.settings = settings
        self.hasher = hasher
        self.crypto = crypto
        self.clock = clock
    }

    /// The account a request's password work is for.
    public enum Account: Sendable, Equatable {
        /// An existing user (account page, password reset).
        case user(UUID)
        /// An email being registered (no user yet, or one the answer must not reveal).
        case email(String)

        var identity: String {
            switch self {
            case .user(let id): "user:" + id.uuidString.lowercased()
            case .email(let email): "email:" + User.normalizedEmail(email)
            }
        }
    }

    /// Admits one request's password work for `account` from `origin`, or throws:
    /// `PasswordHasherError.overloaded` when the pool is full, `TooManyAttempts` when the
    /// address or the account is over its limit, `ProtectionUnavailable` without the counters.
    public func admit(_ account: Account, from origin: ClientOrigin) async throws {
        if hasher.isSaturated { throw PasswordHasherError.overloaded }
        try await network.reserve(.passwordWork, from: origin)
        let policy = settings.passwordWorkPerAccount
        guard policy.isEnabled else { return }
        let key = "work:" + crypto.sha256(account.identity).map { String(format: "%02x", $0) }.joined()
        let now = clock.now
        let count = try await unlessUnavailable { try await counter.reserve(key: key, policy: policy, now: now) }
        guard count.allowed else { throw TooManyAttempts(.passwordWork, retryAfter: count.retryAfter) }
    }
}
