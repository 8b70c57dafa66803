import Foundation
public import GatehouseCore

/// Live events in one Redis stream (`XADD`, `XRANGE`), which every instance reads, so an event
/// published on one reaches watchers connected to another. Each publish trims what is older
/// than the retention (`MINID ~`, Redis 6.2+), so the stream stays small without a sweeper.
public struct RedisLiveEventBus: LiveEventBus {
    let pool: RedisPool
    let key: String
    let clock: any Clock

    public init(pool: RedisPool, key: String = "gh:events", clock: any Clock = SystemClock()) {
        self.pool = pool
        self.key = key
        self.clock = clock
    }

    public func publish(_ event: LiveEvent) async throws {
        let oldest = UInt64(max(0, (clock.now.timeIntervalSince1970 - Self.retention) * 1000))
        let body = String(decoding: try Self.encoder.encode(event), as: UTF8.self)
        _ = try await pool.command(["XADD", key, "MINID", "~", String(oldest), "*", "event", body])
    }

    public func events(after id: LiveEventID, limit: Int) async throws -> [LiveEvent] {
        guard limit > 0 else { return [] }
        let reply = try await pool.command(["XRANGE", key, "(" + id.description, "+", "COUNT", String(limit)])
        guard case .array(let entries) = reply else { return [] }
        return entries.compactMap(Self.event)
    }

    public func newestID() async throws -> LiveEventID {
        guard case .array(let entries) = try await pool.command(["XREVRANGE", key, "+", "-", "COUNT", "1"]),
              case .array(let entry)? = entries.first, case .string(let id)? = entry.first,
              let parsed = LiveEventID(String(decoding: id, as: UTF8.self)) else { return .start }
        return parsed
    }

    /// One `[id, [field, value, ...]]` entry; nil for one this version cannot read.
    static func event(_ entry: RedisReply) -> LiveEvent? {
        guard case .array(let parts) = entry, parts.count == 2, case .string(let id) = parts[0],
              case .array(let fields) = parts[1], fields.count >= 2, case .string(let body) = fields[1],
              var event = try? decoder.decode(LiveEvent.self, from: Data(body)) else { return nil }
        event.id = String(decoding: id, as: UTF8.self)
        return event
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
