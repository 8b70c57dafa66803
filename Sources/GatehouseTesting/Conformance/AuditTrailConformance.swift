import Foundation
import GatehouseCore
import Testing

/// An audit log and the reader of the same trail: what the audit search checks write and read.
public struct AuditTrailStores: Sendable {
    public let log: any AuditLog
    public let reader: any AuditTrailReader

    public init(log: any AuditLog, reader: any AuditTrailReader) {
        self.log = log
        self.reader = reader
    }

    public static func inMemory() -> AuditTrailStores {
        let log = InMemoryAuditLog()
        return AuditTrailStores(log: log, reader: log)
    }
}

/// The contract of `AuditTrailReader` (issue 11 item 7): each filter narrows to exactly its
/// events, newest first, and keyset pages walk the whole match without a gap or a repeat. Every
/// check filters by an actor, subject, client or organization of its own, so it runs beside
/// the rest of the suite in one database (one chain).
public enum AuditTrailConformance {
    static let platform = Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: .operator))

    /// The `n` details of what a query finds, in order.
    static func found(_ stores: AuditTrailStores, _ query: AuditQuery) async throws -> [String] {
        try await stores.reader.auditEvents(matching: query).map { $0.event.details["n"] ?? "?" }
    }

    public static let checks: [ConformanceCheck<AuditTrailStores>] = [
        ConformanceCheck("AuditTrailReader: actor, subject, client, organization, types and time each narrow, newest first") { stores async throws in
            let client = Fixtures.unique("audit-client")
            let (user, first, second, organization) = (UUID(), UUID(), UUID(), UUID())
            let actor = AuditActor.user(user)
            let start = Fixtures.now.addingTimeInterval(-3600)
            let events = [
                AuditEvent(type: .signInSucceeded, occurredAt: start, actor: actor.rawValue, subject: first, clientID: client,
                           ip: "192.0.2.1", userAgent: "Agent/1", details: ["n": "1"]),
                AuditEvent(type: .signInFailed, occurredAt: start.addingTimeInterval(60), actor: actor.rawValue, subject: second,
                           clientID: client, details: ["n": "2"]),
                AuditEvent(type: .adminAction, occurredAt: start.addingTimeInterval(120), actor: "operator", subject: first,
                           details: ["n": "3", "organization_id": organization.uuidString.lowercased()]),
                AuditEvent(type: .organizationUpdated, occurredAt: start.addingTimeInterval(180), actor: actor.rawValue,
                           details: ["n": "4", "organization_id": organization.uuidString.lowercased()]),
            ]
            for event in events { await stores.log.record(event) }
            #expect(try await found(stores, AuditQuery(clientID: client)) == ["2", "1"])
            #expect(try await found(stores, AuditQuery(actor: actor)) == ["4", "2", "1"])
            #expect(try await found(stores, AuditQuery(subject: first)) == ["3", "1"])
            #expect(try await found(stores, AuditQuery(organizationID: organization)) == ["4", "3"])
            #expect(try await found(stores, AuditQuery(actor: AuditActor(rawValue: "operator"), subject: first)) == ["3"])
            #expect(try await found(stores, AuditQuery(clientID: client, types: [.signInFailed])) == ["2"])
            #expect(try await found(stores, AuditQuery(actor: actor, types: [.signInSucceeded, .signInFailed])) == ["2", "1"])
            // From is inclusive, to exclusive.
            #expect(try await found(stores, AuditQuery(actor: actor, from: start.addingTimeInterval(60),
                                                       to: start.addingTimeInterval(180))) == ["2"])
            #expect(try await found(stores, AuditQuery(actor: actor, from: start.addingTimeInterval(60),
                                                       to: start.addingTimeInterval(181))) == ["4", "2"])
            #expect(try await found(stores, AuditQuery(actor: actor, limit: 2)) == ["4", "2"])
            #expect(try await found(stores, AuditQuery(subject: UUID())) == [])
            // Records carry their personal part: shown through `revealedEvent`.
            let signIn = try await stores.reader.auditEvents(matching: AuditQuery(clientID: client, types: [.signInSucceeded]))
            #expect(signIn.first?.revealedEvent.ip == "192.0.2.1")
            #expect(signIn.first?.revealedEvent.userAgent == "Agent/1")
            #expect(signIn.first?.event.subject == first)
            // Before an id: the older events only.
            let second2 = try await stores.reader.auditEvents(matching: AuditQuery(clientID: client, types: [.signInFailed]))
            let cut = try #require(second2.first?.id)
            #expect(try await found(stores, AuditQuery(actor: actor, before: cut)) == ["1"])
        },
        ConformanceCheck("AuditTrailReader: keyset pages walk every match once, newest first, and the last page has no cursor") { stores async throws in
            let subject = UUID()
            let start = Fixtures.now.addingTimeInterval(-600)
            for number in 1...7 {
                await stores.log.record(AuditEvent(type: .passwordChanged, occurredAt: start.addingTimeInterval(Double(number)),
                                                   actor: AuditEvent.user(subject), subject: subject, details: ["n": "\(number)"]))
            }
            let trail = AuditTrail(reader: stores.reader)
            var query = AuditQuery(subject: subject, limit: 3)
            var walked: [String] = []
            var pages = 0
            while true {
                let page = try await trail.search(query, by: platform)
                pages += 1
                walked += page.records.map { $0.event.details["n"] ?? "?" }
                guard let next = page.next else { break }
                query.before = try #require(AuditCursor.id(next))
                if pages > 5 { break }
            }
            #expect(walked == ["7", "6", "5", "4", "3", "2", "1"])
            #expect(pages == 3)
            var exported: [String] = []
            try await trail.walk(AuditQuery(subject: subject), by: platform, cap: 5) { records in
                exported += records.map { $0.event.details["n"] ?? "?" }
                return true
            }
            #expect(exported == ["7", "6", "5", "4", "3"])
        },
    ]
}
