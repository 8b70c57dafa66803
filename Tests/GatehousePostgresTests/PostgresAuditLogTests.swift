import Foundation
import GatehouseCore
import GatehouseCrypto
import GatehousePostgres
import Testing

/// The audit trail's HMAC chain, each test in a database of its own (migrated by the real
/// migrator), so editing rows by hand never touches the chain the rest of the suite writes.
@Suite("PostgresAuditLog: an append-only HMAC chain")
struct PostgresAuditLogTests {
    static let key = Array("an audit key of thirty-two bytes".utf8)

    /// A freshly migrated scratch database; `body` gets its URL.
    func withAuditDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        try await PostgresTestSupport.withScratchDatabase { url in
            let migrations = URL(fileURLWithPath: try PostgresTestSupport.environment("GATEHOUSE_TEST_MIGRATIONS_DIR"), isDirectory: true)
            _ = try await PostgresTestSupport.withPool(url: url, maxConnections: 1) { pool async throws in
                try await PostgresMigrator(pool: pool, directory: migrations, logger: PostgresTestSupport.logger).migrate()
            }
            return try await body(url)
        }
    }

    func log(_ pool: PostgresPool, key: [UInt8] = key) -> PostgresAuditLog {
        PostgresAuditLog(pool: pool, key: key, crypto: OpenSSLCrypto(), logger: PostgresTestSupport.logger)
    }

    func event(_ number: Int) -> AuditEvent {
        AuditEvent(type: number.isMultiple(of: 2) ? .signInSucceeded : .signInFailed,
                   occurredAt: Date(timeIntervalSince1970: 1_800_000_000.123456 + Double(number)),
                   actor: "user:\(number)", subject: UUID(), clientID: number.isMultiple(of: 3) ? nil : "client-\(number)",
                   ip: "192.0.2.\(number % 250)", userAgent: "Agent/\(number) (Grüße; \"quoted\")",
                   details: ["n": "\(number)", "scope": "openid email", "ünïcödé": "✓"])
    }

    /// Appends `count` events and returns what was stored.
    func appendEvents(_ log: PostgresAuditLog, count: Int) async throws -> [AuditRecord] {
        var stored: [AuditRecord] = []
        for number in 1...count { stored.append(try await log.append(event(number))) }
        return stored
    }

    /// The break `verify` reports, or nil when the chain verifies.
    func chainBreak(_ log: PostgresAuditLog) async throws -> AuditChainBreak? {
        do {
            _ = try await log.verify(pageSize: 3)
            return nil
        } catch let broken as AuditChainBreak {
            return broken
        }
    }

    /// Runs `sql` with the append-only triggers switched off, as a superuser could.
    func tamper(_ pool: PostgresPool, _ sql: String) async throws {
        try await pool.withConnection { connection in
            try connection.execute(script: """
                ALTER TABLE audit_events DISABLE TRIGGER USER;
                \(sql);
                ALTER TABLE audit_events ENABLE TRIGGER USER;
                """)
        }
    }

    @Test("appended events read back exactly and verify as one chain, each linked to the one before")
    func appendAndVerify() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let log = log(pool)
                let stored = try await appendEvents(log, count: 7)
                #expect(stored.first?.previousMAC == [], "the first event follows the start of the trail")
                for (earlier, later) in zip(stored, stored.dropFirst()) {
                    #expect(later.previousMAC == earlier.mac)
                    #expect(later.id > earlier.id)
                }
                let readBack = try await log.records(after: nil, limit: 100)
                #expect(readBack == stored, "what is read back is what was MACed")
                let verified = try await log.verify(pageSize: 3)
                #expect(verified.count == 7)
                #expect(verified.lastID == stored.last?.id)
                #expect(try await log.newest(limit: 2).map(\.id) == stored.suffix(2).reversed().map(\.id))
            }
        }
    }

    @Test("values PostgreSQL cannot hold (NUL) or that are too long are stored as they were MACed")
    func sanitized() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let log = log(pool)
                let awkward = AuditEvent(type: .signInFailed, occurredAt: Date(), actor: "anon\u{0}ymous",
                                         userAgent: String(repeating: "x", count: 5000), details: ["email": "a\u{0}b@example.test"])
                let stored = try await log.append(awkward)
                #expect(stored.event.actor == "anonymous")
                #expect(stored.revealedEvent.userAgent?.count == 512)
                #expect(try await log.records(after: nil, limit: 1) == [stored])
                #expect(try await chainBreak(log) == nil)
            }
        }
    }

    @Test("concurrent appends from many tasks on two pools (two instances) never fork the chain")
    func concurrentInstances() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url, maxConnections: 4) { first async throws in
                try await PostgresTestSupport.withPool(url: url, maxConnections: 4) { second async throws in
                    let instances = [log(first), log(second)]
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for number in 0..<60 {
                            let log = instances[number % 2]
                            group.addTask { _ = try await log.append(event(number)) }
                        }
                        try await group.waitForAll()
                    }
                    let verified = try await instances[0].verify(pageSize: 7)
                    #expect(verified.count == 60)
                    let distinctPrevious = try await first.query("SELECT count(DISTINCT previous_mac) AS n FROM audit_events").rows.first?.int("n")
                    #expect(distinctPrevious == 60, "no two events claim the same predecessor")
                }
            }
        }
    }

    @Test("an event edited by hand (triggers off, as a superuser could) is caught, naming its id")
    func editedRow() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let log = log(pool)
                let stored = try await appendEvents(log, count: 6)
                let target = stored[3].id
                try await tamper(pool, "UPDATE audit_events SET details = '{\"n\": \"forged\"}' WHERE id = \(target)")
                let broken = try #require(try await chainBreak(log))
                #expect(broken.id == target)
                #expect(broken.description.contains("event \(target)"))
                #expect(broken.reason.contains("altered"))
            }
        }
    }

    @Test("an event with a made-up MAC is caught (the key is needed to forge one); a wrong key fails at the first event")
    func reMACedAndWrongKey() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let log = log(pool)
                let stored = try await appendEvents(log, count: 4)
                // Without the key, a forger can only put some other MAC in place.
                try await tamper(pool, "UPDATE audit_events SET type = 'sign_in_succeeded', mac = sha256(mac) WHERE id = \(stored[1].id)")
                #expect(try await chainBreak(log)?.id == stored[1].id)
                let otherKey = self.log(pool, key: Array("another key, also thirty-two byt".utf8))
                #expect(try await chainBreak(otherKey)?.id == stored[0].id)
            }
        }
    }

    @Test("a deleted event is caught at the event after it, also the very first one")
    func deletedRows() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let log = log(pool)
                let stored = try await appendEvents(log, count: 6)
                try await tamper(pool, "DELETE FROM audit_events WHERE id = \(stored[2].id)")
                let broken = try #require(try await chainBreak(log))
                #expect(broken.id == stored[3].id)
                #expect(broken.reason.contains("event \(stored[1].id)"), "\(broken)")
                #expect(broken.reason.contains("deleted"))

                try await tamper(pool, "DELETE FROM audit_events WHERE id <= \(stored[1].id)")
                #expect(try await chainBreak(log)?.id == stored[3].id, "the earliest surviving event no longer follows the start")
            }
        }
    }

    @Test("cutting off the newest events verifies on its own, but not against a checkpoint kept from before")
    func truncationAgainstCheckpoint() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let log = log(pool)
                let stored = try await appendEvents(log, count: 5)
                let checkpoint = try #require(try await log.verify(pageSize: 2).head)
                #expect(checkpoint == AuditCheckpoint(id: stored[4].id, mac: stored[4].mac))
                _ = try await appendEvents(log, count: 2)
                let later = try await log.verify(pageSize: 2, checkpoint: checkpoint)
                #expect(later.count == 7, "events after the checkpoint are fine")

                try await tamper(pool, "DELETE FROM audit_events WHERE id >= \(stored[3].id)")
                #expect(try await log.verify(pageSize: 2).count == 3, "the shorter chain verifies on its own: the gap checkpoints close")
                let cut = try await #require(throws: AuditChainBreak.self) { try await log.verify(pageSize: 2, checkpoint: checkpoint) }
                #expect(cut.id == checkpoint.id && cut.reason.contains("gone"))

                let forged = AuditCheckpoint(id: stored[1].id, mac: Array(repeating: 7, count: 32))
                let differs = try await #require(throws: AuditChainBreak.self) { try await log.verify(pageSize: 2, checkpoint: forged) }
                #expect(differs.reason.contains("differs from the checkpoint"))
            }
        }
    }

    @Test("a rotated key: old events verify with the retired key, new ones with the new key, and the retired key cannot add more")
    func keyRotation() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let newKey = Array("the audit key after the rotation!".utf8)
                let before = try await appendEvents(log(pool), count: 3)
                let rotated = PostgresAuditLog(pool: pool, key: newKey, previousKeys: [Self.key], crypto: OpenSSLCrypto(),
                                               logger: PostgresTestSupport.logger)
                _ = try await appendEvents(rotated, count: 2)
                #expect(try await rotated.verify(pageSize: 2).count == 5)
                let newKeyOnly = log(pool, key: newKey)
                #expect(try await chainBreak(newKeyOnly)?.id == before[0].id, "without the retired key the old events do not verify")

                // Someone holding only the retired key appends after the switch: refused.
                let forged = try await log(pool).append(event(99))
                let broken = try await #require(throws: AuditChainBreak.self) { try await rotated.verify(pageSize: 2) }
                #expect(broken.id == forged.id && broken.reason.contains("MAC does not match"))
            }
        }
    }

    @Test("the table refuses UPDATE, DELETE and TRUNCATE while its triggers are on")
    func appendOnly() async throws {
        try await withAuditDatabase { url in
            try await PostgresTestSupport.withPool(url: url) { pool async throws in
                let stored = try await appendEvents(log(pool), count: 1)
                for sql in ["UPDATE audit_events SET type = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
                    do {
                        _ = try await pool.query(sql)
                        Issue.record("\(sql) was allowed")
                    } catch let error as PostgresError {
                        #expect(error.sqlState == "42501", "\(sql): \(error)")
                        #expect(error.message.contains("append-only"))
                    }
                }
                #expect(try await log(pool).records(after: nil, limit: 10) == stored)
            }
        }
    }
}
