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
