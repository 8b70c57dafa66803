import Foundation
import GatehouseCore

/// `LiveEventBus` in memory, as `RedisLiveEventBus` behaves (`LiveEventBusConformance`): ids from
/// the clock's milliseconds and a sequence, events older than the retention dropped at publish.
public actor InMemoryLiveEventBus: LiveEventBus {
    let clock: any Clock
    var stored: [(id: LiveEventID, event: LiveEvent)] = []

    public init(clock: any Clock = SystemClock()) {
        self.clock = clock
    }

    public func publish(_ event: LiveEvent) async throws {
        let now = clock.now
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let last = stored.last?.id ?? .start
        let id = milliseconds > last.milliseconds ? LiveEventID(milliseconds: milliseconds, sequence: 0)
            : LiveEventID(milliseconds: last.milliseconds, sequence: last.sequence + 1)
        var event = event
        event.id = id.description
        stored.append((id, event))
        let oldest = UInt64(max(0, (now.timeIntervalSince1970 - Self.retention) * 1000))
        stored.removeAll { $0.id.milliseconds < oldest }
    }

    public func events(after id: LiveEventID, limit: Int) async throws -> [LiveEvent] {
        Array(stored.filter { $0.id > id }.prefix(max(0, limit)).map(\.event))
    }

    public func newestID() async throws -> LiveEventID {
        stored.last?.id ?? .start
    }
}
