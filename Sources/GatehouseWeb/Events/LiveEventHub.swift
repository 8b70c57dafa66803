import Foundation
import GatehouseCore
import Logging

/// One instance's reader of the live event bus: while anyone watches `/events` here it polls the
/// bus (`interval`, a quarter second: an event reaches a watcher on any instance well within a
/// second, for four cheap Redis reads a second per instance) and hands every new event to every
/// watcher, who filters it for themselves. Nobody watching, nothing runs.
///
/// Polling, not a blocking `XREAD`: the Redis pool's connections have a 2 s timeout and serve
/// every other request, and one short read per tick costs less than a connection held open.
actor LiveEventHub {
    /// What a watcher's stream carries: an event, or a tick to keep the connection (and check
    /// the watcher may still watch).
    enum Delivery: Sendable {
        case event(LiveEvent)
        case heartbeat
    }

    let bus: any LiveEventBus
    let interval: Duration
    let heartbeatEvery: Duration
    let logger: Logger
    private var watchers: [UUID: AsyncStream<Delivery>.Continuation] = [:]
    private var poller: Task<Void, Never>?
    /// The newest event handed out; the next poll reads after it.
    private var cursor = LiveEventID.start

    /// Events a slow watcher may fall behind by before the oldest are dropped for it (it can
    /// resume from the bus with `Last-Event-ID`).
    static let watcherBuffer = 1000

    init(bus: any LiveEventBus, interval: Duration = .milliseconds(250), heartbeatEvery: Duration = .seconds(15), logger: Logger) {
        self.bus = bus
        self.interval = interval
        self.heartbeatEvery = heartbeatEvery
        self.logger = logger
    }

    /// A new watcher's stream of events published from now on. Once this returns, no event the
    /// bus takes is missed: a watcher resuming reads the bus up to here itself (`replay`).
    func watch() async throws -> (id: UUID, deliveries: AsyncStream<Delivery>, end: @Sendable () -> Void) {
        if poller == nil {
            let start = try await bus.newestID()
            if poller == nil {  // another watcher may have started it meanwhile
                cursor = start
                poller = Task { await self.poll() }
            }
        }
        let (stream, continuation) = AsyncStream<Delivery>.makeStream(bufferingPolicy: .bufferingNewest(Self.watcherBuffer))
        let id = UUID()
        watchers[id] = continuation
        return (id, stream, { continuation.finish() })
    }

    func stop(_ id: UUID) {
        watchers.removeValue(forKey: id)?.finish()
        if watchers.isEmpty {
            poller?.cancel()
            poller = nil
        }
    }

    /// Every watcher's stream ends (the server is shutting down).
    func stopAll() {
        for continuation in watchers.values { continuation.finish() }
        watchers = [:]
        poller?.cancel()
        poller = nil
    }

    private func poll() async {
        var sinceHeartbeat = Duration.zero
        while !Task.isCancelled {
            do {
                var batch: [LiveEvent]
                repeat {
                    batch = try await bus.events(after: cursor, limit: 100)
                    for event in batch {
                        if let id = event.id.flatMap(LiveEventID.init) { cursor = max(cursor, id) }
                        for continuation in watchers.values { continuation.yield(.event(event)) }
                    }
                } while batch.count == 100 && !Task.isCancelled
            } catch {
                logger.warning("could not read live events; trying again", metadata: ["error": "\(error)"])
            }
            if sinceHeartbeat >= heartbeatEvery {
                sinceHeartbeat = .zero
                for continuation in watchers.values { continuation.yield(.heartbeat) }
            }
            try? await Task.sleep(for: interval)
            sinceHeartbeat += interval
        }
    }
}
