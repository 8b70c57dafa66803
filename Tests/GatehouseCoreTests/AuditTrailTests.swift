import Foundation
import GatehouseCore
import GatehouseTesting
import Testing

@Suite("AuditTrail: who searches what of the trail, actors and cursors")
struct AuditTrailTests {
    @Test("the platform roles search the whole trail; a client_admin one organization of theirs, without personal parts; a member nothing")
    func access() async throws {
        let log = InMemoryAuditLog()
        let mine = UUID(), theirs = UUID()
        for organization in [mine, theirs] {
            await log.record(AuditEvent(type: .memberRoleChanged, occurredAt: Date(timeIntervalSince1970: 1_800_000_000), ip: "192.0.2.1",
                                        userAgent: "Mozilla/5.0", details: ["organization_id": organization.uuidString.lowercased()]))
        }
        await log.record(AuditEvent(type: .signInSucceeded, occurredAt: Date(timeIntervalSince1970: 1_800_000_000)))
        let trail = AuditTrail(reader: log)
        for role in [Role.superAdmin, .siteAdmin, .operator] {
            let page = try await trail.search(AuditQuery(), by: Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: role)))
            #expect(page.records.count == 3)
            #expect(page.records.filter { $0.revealedEvent.ip == "192.0.2.1" }.count == 2)
            #expect(page.next == nil)
        }
        let admin = Principal(userID: UUID(), roles: RoleRules.Actor(organizationRoles: [mine: .clientAdmin, theirs: .clientUser]))
        let own = try await trail.search(AuditQuery(), by: admin)
        #expect(own.records.map { $0.event.details["organization_id"] } == [mine.uuidString.lowercased()])
        #expect(own.records.first?.revealedEvent.ip == nil && own.records.first?.revealedEvent.userAgent == nil)
        var walked: [AuditRecord] = []
        try await trail.walk(AuditQuery(), by: admin, cap: 10) { walked += $0; return true }
        #expect(walked == own.records)
        await #expect(throws: AuditTrail.Refusal.organizationNotFound) { try await trail.search(AuditQuery(organizationID: theirs), by: admin) }
        await #expect(throws: AuditTrail.Refusal.organizationNotFound) {
            try await trail.walk(AuditQuery(organizationID: theirs), by: admin, cap: 10) { _ in true }
        }
        let ofTwo = Principal(userID: UUID(), roles: RoleRules.Actor(organizationRoles: [mine: .clientAdmin, theirs: .clientAdmin]))
        await #expect(throws: AuditTrail.Refusal.organizationRequired) { try await trail.search(AuditQuery(), by: ofTwo) }
        #expect(try await trail.search(AuditQuery(organizationID: theirs), by: ofTwo).records.count == 1)

        let member = Principal(userID: UUID(), roles: RoleRules.Actor(organizationRoles: [mine: .clientUser]))
        await #expect(throws: AuditTrail.Refusal.notPermitted) { try await trail.search(AuditQuery(organizationID: mine), by: member) }
        await #expect(throws: AuditTrail.Refusal.notPermitted) {
            try await trail.walk(AuditQuery(), by: member, cap: 10) { _ in true }
        }
    }

    @Test("actors are read in their four forms and nothing else", arguments: [
        ("operator", "operator"), ("system", "system"), (" operator ", "operator"),
        ("user:3F2C4E8A-1B2C-4D5E-8F90-A1B2C3D4E5F6", "user:3f2c4e8a-1b2c-4d5e-8f90-a1b2c3d4e5f6"),
        ("client:demo-app", "client:demo-app"),
        ("user:nope", nil), ("client:", nil), ("admin", nil), ("", nil), ("client:a\u{0}b", nil),
    ] as [(String, String?)])
    func actors(_ text: String, _ expected: String?) {
        #expect(AuditActor(rawValue: text)?.rawValue == expected)
    }

    @Test("a cursor is opaque and reads back its id; anything else is no cursor")
    func cursors() {
        #expect(AuditCursor.text(before: 42) == "Ynw0Mg")
        #expect(AuditCursor.id("Ynw0Mg") == 42)
        for bad in ["", "42", "YnwtMQ", "YXw0Mg", String(repeating: "A", count: 100), "b|42"] {
            #expect(AuditCursor.id(bad) == nil)
        }
    }

    @Test("a query's limit is held between 1 and 200, its types to 20")
    func limits() {
        #expect(AuditQuery(limit: 0).limit == 1)
        #expect(AuditQuery(limit: 10_000).limit == 200)
        #expect(AuditQuery(types: Array(repeating: .signInFailed, count: 50)).types.count == 20)
    }

    @Test("the live tail announces an appended event by id, type and time only, to the platform roles, without waiting")
    func tail() async throws {
        let record = AuditRecord(id: 42, event: AuditEvent(type: .signInFailed, occurredAt: Date(timeIntervalSince1970: 1_800_000_000),
                                                           actor: "client:demo", subject: UUID(), clientID: "demo", ip: "192.0.2.1",
                                                           userAgent: "Agent", details: ["email": "ada@example.test"]),
                                 previousMAC: [], mac: [])
        let event = AuditTail.event(record)
        #expect(event.type.rawValue == "audit.appended")
        #expect(event.data == ["id": "42", "type": "sign_in_failed"])
        #expect(event.occurredAt == record.event.occurredAt)
        for role in [Role.superAdmin, .siteAdmin, .operator] {
            #expect(event.audience.reaches(Principal(userID: UUID(), roles: RoleRules.Actor(platformRole: role))))
        }
        #expect(!event.audience.reaches(Principal(userID: UUID(), roles: RoleRules.Actor(organizationRoles: [UUID(): .clientAdmin]))))
        let bus = InMemoryLiveEventBus()
        AuditTail(bus: bus).announce(record)
        var published: [LiveEvent] = []
        for _ in 0..<200 where published.isEmpty {
            published = try await bus.events(after: .start, limit: 10)
            if published.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(published.map(\.data) == [["id": "42", "type": "sign_in_failed"]])
    }
}
