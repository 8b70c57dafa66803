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
    /// Per-account limits on passwords and second factors, with lockout; reserved `from` a
    /// request's origin, an attempt also counts against the address's failures. The MFA pages
    /// reserve `.secondFactor(userID:)` attempts here before checking a TOTP, email or recovery code.
    var attemptLimiter: AttemptLimiter {
        AttemptLimiter(counter: protection.counter, lockouts: protection.lockouts, settings: protection.settings,
                       crypto: crypto, clock: clock,
                       observer: LockoutObservers([LockoutMailNotice(dependencies: self), LockoutAudit(dependencies: self)]
                                                 + protection.lockoutObservers),
                       memory: protection.refusals)
    }

    /// Per-IP limits (`RateLimitedAction`).
    var rateLimits: NetworkRateLimiter {
        NetworkRateLimiter(counter: protection.counter, settings: protection.settings, clock: clock, memory: protection.refusals)
    }

    /// Counts one request of `action` from the request's client; throws `TooManyAttempts` (429)
    /// when the address is over its limit. Trusted networks are not counted.
    func limitPerIP(_ action: RateLimitedAction, _ context: GatehouseRequestContext) async throws {
        try await rateLimits.reserve(action, from: context.origin)
    }

    /// argon2 outside sign-in, admitted per address and per account before the first hash.
    var passwordWork: PasswordWorkLimiter {
        PasswordWorkLimiter(network: rateLimits, counter: protection.counter, settings: protection.settings, hasher: hasher,
                            crypto: crypto, clock: clock)
    }

    /// Admits one request's password work for `account`: call before any argon2 runs. Throws
    /// `TooManyAttempts` (429) or `PasswordHasherError.overloaded` (503).
    func admitPasswordWork(_ account: PasswordWorkLimiter.Account, _ context: GatehouseRequestContext) async throws {
        try await passwordWork.admit(account, from: context.origin)
    }

    /// New pending authorization requests, stored within the per-address and overall budget.
    var pendingAuthorizations: PendingAuthorizationBudget {
        PendingAuthorizationBudget(states: states, settings: protection.settings, lifetime: settings.pendingAuthorizationLifetime,
                                   crypto: crypto, clock: clock)
    }
}

extension WebDependencies {
    /// Runs a client-authenticated endpoint (`/token`, `/revoke`, `/introspect`) under the limit
    /// on failed client authentication (`ClientAuthenticationFailures`): the cheap check runs
    /// first, a right secret is never refused and never waits on Redis, and only `invalid_client`
    /// answers are counted — per address and per the client id presented — and turned into 429
    /// once either count is full.
    func limitingClientAuthenticationFailures<T>(_ context: GatehouseRequestContext, form: RequestParameters,
                                                 authorization: String?, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as OAuthError where error.code == .invalidClient {
            let presented = try? ClientCredentials(authorization: authorization, form: form)
            do {
                try await ClientAuthenticationFailures(network: rateLimits, crypto: crypto)
                    .failed(clientID: presented?.clientID ?? form["client_id"], from: context.origin)
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
