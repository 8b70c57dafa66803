import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import Testing

/// Erasure and the audit chain (issue 11 item 3): the personal part of the erased user's events
/// goes, the chain still verifies — rows written before the user lifecycle's migration (v1)
/// included — and anything else done to a row is still caught. Each test in a scratch database.
@Suite("Erasure keeps the audit chain verifiable")
struct PostgresErasureTests {
    static let key = Array("an audit key of thirty-two bytes".utf8)

    func withDatabase<T>(_ body: (PostgresPool) async throws -> T) async throws -> T {
        try await PostgresTestSupport.withScratchDatabase { url in
            let migrations = URL(fileURLWithPath: try PostgresTestSupport.environment("GATEHOUSE_TEST_MIGRATIONS_DIR"), isDirectory: true)
            return try await PostgresTestSupport.withPool(url: url, maxConnections: 2) { pool async throws in
                try await PostgresMigrator(pool: pool, directory: migrations, logger: PostgresTestSupport.logger).migrate()
                return try await body(pool)
            }
        }
    }

    func makeUser(_ pool: PostgresPool, _ email: String, superAdmin: Bool = false) async throws -> UUID {
        let id = UUID()
        let now = Date()
        try await PostgresUserStore(pool: pool).create(User(id: id, email: email, emailVerified: true, name: "Person", passwordHash: "x",
                                                            createdAt: now, updatedAt: now))
        if superAdmin {
            try await PostgresMembershipStore(pool: pool).setPlatformRole(.superAdmin, userID: id, at: now, by: nil)
        }
        return id
    }

    /// A row as the code before migration 0019 wrote it: its MAC over every field, no digest.
    func appendV1(_ pool: PostgresPool, _ event: AuditEvent) async throws {
        let chain = AuditChain(key: Self.key, crypto: OpenSSLCrypto())
        let event = event.sanitized
        try await pool.transaction { connection in
            let previous = try connection.query("SELECT mac FROM audit_events ORDER BY id DESC LIMIT 1").rows.first?.bytes("mac") ?? []
            let id = Int64(try connection.query("SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) AS id").rows[0].int("id"))
            let details = String(decoding: try JSONEncoder().encode(event.details), as: UTF8.self)
            _ = try connection.query(
                """
                INSERT INTO audit_events (id, occurred_at, type, actor, subject, client_id, ip, user_agent, details, previous_mac, mac)
                VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8::jsonb, $9, $10)
                """,
                [.int(Int(id)), .timestamp(event.occurredAt), .text(event.type.rawValue), .text(event.actor ?? ""), .uuid(event.subject!),
                 .text(event.ip ?? ""), .text(event.userAgent ?? ""), .text(details), .bytes(previous),
                 .bytes(chain.mac(id: id, event: event, previousMAC: previous))])
        }
    }

    @Test("a user with a rich history (old and new rows, as subject and as actor) is erased; the whole chain verifies; others keep theirs")
    func erasureThenVerify() async throws {
        try await withDatabase { pool in
            let log = PostgresAuditLog(pool: pool, key: Self.key, crypto: OpenSSLCrypto(), logger: PostgresTestSupport.logger)
            let store = PostgresUserLifecycleStore(pool: pool, messageIDDomain: "id.test")
            let erased = try await makeUser(pool, "gone@example.test")
            let kept = try await makeUser(pool, "kept@example.test")
            let now = Date()
            try await appendV1(pool, AuditEvent(type: .signInSucceeded, occurredAt: now, actor: AuditEvent.user(erased), subject: erased,
                                                ip: "198.51.100.1", userAgent: "Old/1", details: ["email": "gone@example.test"]))
            for number in 0..<20 {
                let who = number.isMultiple(of: 3) ? kept : erased
                _ = try await log.append(AuditEvent(
                    type: number.isMultiple(of: 2) ? .signInFailed : .emailChanged, occurredAt: now.addingTimeInterval(Double(number)),
                    actor: AuditEvent.user(who), subject: who, clientID: "client", ip: "203.0.113.\(number)", userAgent: "Agent/\(number)",
                    details: ["email": who == erased ? "gone@example.test" : "kept@example.test", "from": "a@x.test", "to": "b@x.test",
                              "reason": "r\(number)"]))
            }
            // The erased user acting on the other one: erased too (their address is in it).
            _ = try await log.append(AuditEvent(type: .adminAction, occurredAt: now, actor: AuditEvent.user(erased), subject: kept,
                                                ip: "203.0.113.99", details: ["action": "x"]))
            #expect(try await log.verify().count == 22)

            #expect(try await store.erase(userID: erased, by: nil, at: now, farewell: nil) == .erased)
            let verified = try await log.verify(pageSize: 5)
            #expect(verified.count == 22, "every event stays and the chain verifies")

            let rows = try await log.records(after: nil, limit: 100)
            let about = rows.filter { $0.event.subject == erased || $0.event.actor == AuditEvent.user(erased) }
            #expect(about.count == 15)
            let v2 = about.filter { $0.personalDigest != nil }
            #expect(v2.count == 14 && v2.allSatisfy { $0.personal == nil && $0.revealedEvent.ip == nil && $0.revealedEvent.details["email"] == nil })
            #expect(v2.allSatisfy { $0.event.details["reason"] != nil || $0.event.type == .adminAction }, "what is not personal stays readable")
            // Rows written before the migration keep their personal fields: their MAC covers them.
            let v1 = try #require(about.first { $0.personalDigest == nil })
            #expect(v1.event.ip == "198.51.100.1" && v1.event.details["email"] == "gone@example.test")
            let others = rows.filter { $0.event.subject == kept && $0.event.actor == AuditEvent.user(kept) }
            #expect(others.count == 7 && others.allSatisfy { $0.revealedEvent.details["email"] == "kept@example.test" && $0.revealedEvent.ip != nil })
            let user = try #require(try await pool.query("SELECT status, email FROM users WHERE id = $1", [.uuid(erased)]).rows.first)
            #expect(try user.string("status") == "erased" && user.optionalString("email") == nil)
            #expect(try await store.erase(userID: erased, by: nil, at: now, farewell: nil) == .notFound)
        }
    }

    @Test("the trail still refuses every other change; personal data changed by hand (triggers off) is caught at its row")
    func personalDataTamper() async throws {
        try await withDatabase { pool in
            let log = PostgresAuditLog(pool: pool, key: Self.key, crypto: OpenSSLCrypto(), logger: PostgresTestSupport.logger)
            let subject = UUID()
            let stored = try await log.append(AuditEvent(type: .signInFailed, occurredAt: Date(), subject: subject, ip: "192.0.2.1",
                                                         details: ["email": "x@example.test"]))
            for sql in ["UPDATE audit_events SET personal = NULL", "UPDATE audit_events SET ip = 'x', personal = NULL, personal_erased_at = now()",
                        "UPDATE audit_events SET personal_digest = NULL, personal = NULL, personal_erased_at = now()"] {
                await #expect(throws: PostgresError.self, "\(sql)") { _ = try await pool.query(sql) }
            }
            _ = try await pool.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
            _ = try await pool.query("UPDATE audit_events SET personal = convert_to(replace(convert_from(personal, 'UTF8'), '192.0.2.1', '192.0.2.2'), 'UTF8')")
            do {
                _ = try await log.verify()
                Issue.record("an altered personal part verified")
            } catch let broken as AuditChainBreak {
                #expect(broken.id == stored.id)
                #expect(broken.reason.contains("personal data does not match"))
            }
        }
    }

    @Test("the last active super_admin is never suspended, deactivated or erased; with another active one it is, atomically")
    func lastSuperAdmin() async throws {
        try await withDatabase { pool in
            let store = PostgresUserLifecycleStore(pool: pool, messageIDDomain: "id.test")
            let first = try await makeUser(pool, "first@example.test", superAdmin: true)
            let now = Date()
            #expect(try await store.changeStatus(userID: first, from: [.active], to: .suspended, notBefore: now, by: nil, at: now) == .lastSuperAdmin)
            #expect(try await store.erase(userID: first, by: nil, at: now, farewell: nil) == .lastSuperAdmin)
            let second = try await makeUser(pool, "second@example.test", superAdmin: true)
            #expect(try await store.activeSuperAdmins() == 2)
            // Two suspensions at once: exactly one goes through.
            async let a = store.changeStatus(userID: first, from: [.active], to: .suspended, notBefore: now, by: nil, at: now)
            async let b = store.changeStatus(userID: second, from: [.active], to: .deactivated, notBefore: now, by: nil, at: now)
            let outcomes = try await [a, b]
            #expect(outcomes.filter { $0 == .lastSuperAdmin }.count == 1 && outcomes.filter { $0 == .changed(from: .active) }.count == 1)
            #expect(try await store.activeSuperAdmins() == 1)
        }
    }
}
