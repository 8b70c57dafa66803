import Foundation
import GatehouseCore
import Testing

/// `LiveEventBus`'s contract (issue 10 item 5), for the twin and Redis. Each check gets a bus of
/// its own (its own stream), so checks run in parallel.
public enum LiveEventBusConformance {
    static func event(_ number: Int) -> LiveEvent {
        LiveEvent(type: number % 2 == 0 ? .invitationAccepted : .invitationRevoked,
                  occurredAt: Date(timeIntervalSince1970: 1_900_000_000 + Double(number)),
                  data: ["invitation_id": "inv-\(number)", "email": "person\(number)@example.test", "quote": "\"é\"\n"],
                  audience: LiveEventAudience(userID: UUID(), platformRole: number % 2 == 0 ? .siteAdmin : nil))
    }

    public static let checks: [ConformanceCheck<any LiveEventBus>] = [
        ConformanceCheck("LiveEventBus: an empty bus starts at the start and has nothing after it") { bus async throws in
            #expect(try await bus.newestID() == .start)
            #expect(try await bus.events(after: .start, limit: 10).isEmpty)
        },
        ConformanceCheck("LiveEventBus: events read back in order, field for field, with increasing ids") { bus async throws in
            let sent = (1...5).map(event)
            for item in sent { try await bus.publish(item) }
            let read = try await bus.events(after: .start, limit: 100)
            #expect(read.count == 5)
            let ids = read.compactMap { $0.id.flatMap(LiveEventID.init) }
            #expect(ids.count == 5 && ids == ids.sorted() && Set(ids).count == 5)
            for (got, want) in zip(read, sent) {
                #expect(got.type == want.type && got.data == want.data && got.audience == want.audience)
                #expect(abs(got.occurredAt.timeIntervalSince(want.occurredAt)) < 0.001)
            }
            #expect(try await bus.newestID() == ids.last)
        },
        ConformanceCheck("LiveEventBus: reading after an id gives only the later events, at most the limit") { bus async throws in
            for number in 1...6 { try await bus.publish(event(number)) }
            let all = try await bus.events(after: .start, limit: 100)
            let second = try #require(all[1].id.flatMap(LiveEventID.init))
            let later = try await bus.events(after: second, limit: 100)
            #expect(later.map(\.data) == all.dropFirst(2).map(\.data))
            #expect(try await bus.events(after: second, limit: 2).map(\.data) == all.dropFirst(2).prefix(2).map(\.data))
            let newest = try await bus.newestID()
            #expect(try await bus.events(after: newest, limit: 100).isEmpty)
        },
    ]
}
