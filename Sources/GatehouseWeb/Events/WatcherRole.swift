import Foundation
import GatehouseCore

/// A stream's memory of its watcher's platform role, read from the database at most once per
/// `freshFor` (five seconds). Without it an open admin stream read the role once per event
/// addressed to a role (with the audit tail, once per audit event, on every instance). The price
/// is the delay: a role taken away stops reaching an open stream within `freshFor`, not at once
/// (the stream's heartbeat still ends it when the session or token ends).
struct WatcherRole {
    static let freshFor: Duration = .seconds(5)

    private var role: Role?
    private var readAt: ContinuousClock.Instant?

    /// The role, read through `read` when none was read in the last `freshFor` before `now`.
    mutating func current(at now: ContinuousClock.Instant = .now, read: () async throws -> Role?) async rethrows -> Role? {
        if let readAt, now - readAt < Self.freshFor { return role }
        role = try await read()
        readAt = now
        return role
    }
}
