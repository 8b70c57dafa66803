import Foundation

/// Stores new pending authorization requests within a budget, so anonymous `/authorize` calls
/// cannot fill Redis (every stored parameter is also capped in size by
/// `AuthorizationParameterLimits`, before anything is looked up or stored).
///
/// Measured in bytes stored (the request as encoded, plus the store's bookkeeping), since memory
/// is what runs out: a request with long values costs its share, an ordinary one about 1 KB.
/// - Per address: at most `pendingAuthorizationBytesPerAddress` *kept* at once (not a rate: a
///   request stops counting when it is finished and deleted, or expires). The default, 4 MiB,
///   is about 4,000 ordinary sign-ins in progress: a school behind one NAT starting 500 at 8:00
///   has room to spare. Past it the address gets 429 with `Retry-After` (when its oldest request
///   expires). Trusted networks (`ClientOrigin.isExempt`) are not counted per address.
/// - In all: at most `pendingAuthorizationBytesTotal`; past it every new request gets 503 with
///   `Retry-After` (`PendingAuthorizationsFull`) rather than Redis filling up, which with the
///   required `noeviction` policy would refuse every write, counters and codes included.
///
/// Requests live `ProviderSettings.pendingAuthorizationLifetime` (30 minutes: enough to register
/// and type the emailed code, which lives 15). Check and store are one atomic step in the store.
public struct PendingAuthorizationBudget: Sendable {
    let states: any AuthorizationStateStore
    let settings: ProtectionSettings
    let lifetime: Duration
    let crypto: any CryptoPrimitives
    let clock: any Clock

    public init(states: any AuthorizationStateStore, settings: ProtectionSettings, lifetime: Duration,
                crypto: any CryptoPrimitives, clock: any Clock) {
        self.states = states
        self.settings = settings
        self.lifetime = lifetime
        self.crypto = crypto
        self.clock = clock
    }

    /// Stores `pending` under a new random id and returns the id; throws `TooManyAttempts`
    /// (`.pendingAuthorizations`) when the address keeps too many, `PendingAuthorizationsFull`
    /// when the store does, `ProtectionUnavailable` when Redis cannot store it.
    public func start(_ pending: PendingAuthorization, from origin: ClientOrigin) async throws -> String {
        let id = crypto.randomToken()
        let owner = origin.isExempt || settings.pendingAuthorizationBytesPerAddress <= 0 ? nil : origin.limitKey
        let limits = PendingAuthorizationLimits(bytesPerOwner: settings.pendingAuthorizationBytesPerAddress,
                                                bytesTotal: settings.pendingAuthorizationBytesTotal)
        let now = clock.now
        // A Redis that cannot store (down, or full under `noeviction`) is a 503, not a 500.
        let admission = try await unlessUnavailable {
            try await states.startPending(pending, id: id, ttl: lifetime, owner: owner, limits: limits, now: now)
        }
        switch admission {
        case .stored:
            return id
        case .ownerFull(let retryAfter):
            throw TooManyAttempts(.pendingAuthorizations, retryAfter: retryAfter)
        case .storeFull:
            throw PendingAuthorizationsFull()
        }
    }
}
