import Foundation
import GatehouseCore
import GatehousePostgres
import Testing

/// The audit search's pages are answered by an index, never a scan of the table: 200,000 rows in
/// a scratch database (inserted in one statement; the chain does not matter here), then the
/// plan of a page for each filter.
@Suite("PostgresAdministrationReader: audit search pages use an index")
struct PostgresAuditSearchPlanTests {
    @Test("every filter's page is planned on an index, with no scan of audit_events")
    func plans() async throws {
        try await PostgresTestSupport.withScratchDatabase { url in
            let migrations = URL(fileURLWithPath: try PostgresTestSupport.environment("GATEHOUSE_TEST_MIGRATIONS_DIR"), isDirectory: true)
            _ = try await PostgresTestSupport.withPool(url: url, maxConnections: 1) { pool async throws in
                try await PostgresMigrator(pool: pool, directory: migrations, logger: PostgresTestSupport.logger).migrate()
                _ = try await pool.query(
                    """
                    INSERT INTO audit_events (occurred_at, type, actor, subject, client_id, details, previous_mac, mac)
                    SELECT now() - make_interval(secs => 200000 - n),
                           (ARRAY['sign_in_succeeded','sign_in_failed','mfa_used','token_revoked','consent_granted',
                                  'password_changed','signed_out','admin_action','session_revoked','organization_updated'])[n % 10 + 1],
                           'user:' || (n % 5000), gen_random_uuid(), 'client-' || (n % 50),
                           CASE WHEN n % 100 = 0 THEN jsonb_build_object('organization_id', 'org-' || (n % 700)) ELSE '{}'::jsonb END,
                           '\\x00', '\\x00'
                    FROM generate_series(1, 200000) AS n
                    """)
                _ = try await pool.query("ANALYZE audit_events")
                let subject = try await pool.query("SELECT subject FROM audit_events WHERE id = 777").rows.first.map { try $0.uuid("subject") }
                let now = Date()
                let queries: [(String, AuditQuery)] = [
                    ("first page", AuditQuery()),
                    ("a later page", AuditQuery(before: 100_000)),
                    ("actor", AuditQuery(actor: AuditActor(rawValue: "client:x"))),
                    ("subject", AuditQuery(subject: try #require(subject))),
                    ("client", AuditQuery(clientID: "client-7")),
                    ("client, later page", AuditQuery(clientID: "client-7", before: 50_000)),
                    ("organization", AuditQuery(organizationID: UUID())),
                    ("one type", AuditQuery(types: [.mfaUsed])),
                    ("two types", AuditQuery(types: [.mfaUsed, .signInFailed])),
                    ("the last hour", AuditQuery(from: now.addingTimeInterval(-3600))),
                    ("a narrow range long ago", AuditQuery(from: now.addingTimeInterval(-190_000), to: now.addingTimeInterval(-189_000))),
                    ("type and range", AuditQuery(types: [.signInFailed], from: now.addingTimeInterval(-7200), to: now)),
                ]
                for (name, query) in queries {
                    let (sql, parameters) = try PostgresAdministrationReader.auditSearch(query)
                    let plan = try await pool.query("EXPLAIN " + sql, parameters).rows.map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
                    #expect(!plan.contains("Seq Scan"), "\(name):\n\(plan)")
                    #expect(plan.contains("Index"), "\(name):\n\(plan)")
                }
            }
        }
    }
}
