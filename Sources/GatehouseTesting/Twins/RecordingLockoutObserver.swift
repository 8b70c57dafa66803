import GatehouseCore

/// `LockoutObserver` that remembers each lockout it heard of, in order, for tests that check a
/// lockout was reported once (the owner's email and the audit trail are told through it).
public actor RecordingLockoutObserver: LockoutObserver {
    public private(set) var events: [LockoutEvent] = []

    public init() {}

    public func lockoutBegan(_ event: LockoutEvent) {
        events.append(event)
    }
}
