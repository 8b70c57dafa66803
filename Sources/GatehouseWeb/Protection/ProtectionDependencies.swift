public import GatehouseCore

/// What brute-force protection needs, as ports: the shared attempt counters (Redis), the durable
/// lockouts (PostgreSQL), the limits, how to tell the client's address, and who else hears of a
/// lockout. Built by the CLI (and `TestProvider`).
public struct ProtectionDependencies: Sendable {
    public var settings: ProtectionSettings
    public var counter: any AttemptCounter
    public var lockouts: any LockoutStore
    public var clientAddresses: ClientAddressResolver
    /// Told of each new lockout after the owner's email: the hook for the audit trail.
    public var lockoutObservers: [any LockoutObserver]
    /// Per-IP refusals this process remembers until their window ends (no Redis trip for a flood).
    public let refusals = RefusalMemory()

    public init(settings: ProtectionSettings, counter: any AttemptCounter, lockouts: any LockoutStore,
                clientAddresses: ClientAddressResolver = ClientAddressResolver(), lockoutObservers: [any LockoutObserver] = []) {
        self.settings = settings
        self.counter = counter
        self.lockouts = lockouts
        self.clientAddresses = clientAddresses
        self.lockoutObservers = lockoutObservers
    }
}

extension WebDependencies {
    /// Per-account limits on passwords and second factors, with lockout. The MFA pages reserve
    /// `.secondFactor(userID:)` attempts here before checking a TOTP, email or recovery code.
    var attemptLimiter: AttemptLimiter {
        AttemptLimiter(counter: protection.counter, lockouts: protection.lockouts, settings: protection.settings,
                       crypto: crypto, clock: clock,
                       observer: LockoutObservers([LockoutMailNotice(dependencies: self), LockoutAudit(dependencies: self)]
                                                 + protection.lockoutObservers))
    }

    /// Per-IP limits (`RateLimitedAction`).
    var rateLimits: NetworkRateLimiter {
        NetworkRateLimiter(counter: protection.counter, settings: protection.settings, clock: clock, memory: protection.refusals)
    }

    /// Counts one request of `action` from the request's client; throws `TooManyAttempts` (429)
    /// when the address is over its limit.
    func limitPerIP(_ action: RateLimitedAction, _ context: GatehouseRequestContext) async throws {
        try await rateLimits.reserve(action, from: context.rateLimitAddress)
    }
}

extension WebDependencies {
    /// Runs a client-authenticated endpoint (`/token`, `/revoke`, `/introspect`) under the per-IP
    /// limit on failed client authentication. Only `invalid_client` answers are counted (in
    /// Redis); an address known to have used up its failures is refused before anything is
    /// checked (from memory: successful grants never wait on Redis, nor fail when it is down).
    func limitingClientAuthenticationFailures<T>(_ context: GatehouseRequestContext,
                                                 _ body: () async throws -> T) async throws -> T {
        let limits = rateLimits, address = context.rateLimitAddress
        try limits.refuseIfKnownExhausted(.clientAuthentication, from: address)
        do {
            return try await body()
        } catch let error as OAuthError where error.code == .invalidClient {
            do {
                try await limits.recordFailure(.clientAuthentication, from: address)
            } catch let refusal as TooManyAttempts {
                throw refusal
            } catch {
                // Uncounted, but nothing was let through: the answer stays 401. (A 256-bit
                // client secret is not guessable; the limit only sheds abusive traffic.)
                logger.warning("client authentication failure not counted", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }
}
