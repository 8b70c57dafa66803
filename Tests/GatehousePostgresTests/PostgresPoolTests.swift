import Foundation
import GatehousePostgres
import Testing

/// The pool's promises: bounded, reconnecting, honest about reachability, closed by shutdown.
@Suite("PostgresPool connections")
struct PostgresPoolTests {
    @Test("no more than maxConnections backends exist, and every queued caller still succeeds")
    func bounded() async throws {
        let name = PostgresTestSupport.uniqueName("bounded")
        let started = ContinuousClock.now
        let observed = try await PostgresTestSupport.withPool(applicationName: name, maxConnections: 2) { pool async throws in
            try await PostgresTestSupport.withPool(maxConnections: 1) { observer async throws in
                try await withThrowingTaskGroup(of: Int?.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            _ = try await pool.query("SELECT pg_sleep(0.3)")
                            return nil
                        }
                    }
                    group.addTask {
                        var most = 0
                        for _ in 0..<20 {
                            let row = try await observer.query(
                                "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [.text(name)]).rows[0]
                            most = max(most, try row.int("n"))
                            try await Task.sleep(for: .milliseconds(40))
                        }
                        return most
                    }
                    var most = 0
                    for try await value in group { most = max(most, value ?? 0) }
                    return most
                }
            }
        }
        #expect(observed == 2)
        // Six 0.3 s queries over two connections need three rounds.
        #expect(ContinuousClock.now - started >= .milliseconds(850))
    }

    @Test("the pool reconnects after the server terminated its backends")
    func reconnectAfterTermination() async throws {
        let name = PostgresTestSupport.uniqueName("reconnect")
        try await PostgresTestSupport.withPool(applicationName: name, maxConnections: 2) { pool async throws in
            let before = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid")
            try await PostgresTestSupport.withPool(maxConnections: 1) { admin async throws in
                let killed = try await admin.query(
                    "SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity WHERE application_name = $1", [.text(name)])
                #expect(killed.rows.count >= 1)
            }
            let after = try await pool.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid")
            #expect(after != before)
            #expect(await pool.isReachable())
        }
    }

    @Test("a statement whose connection dies under it (outside a transaction) is run once more, on a new connection")
    func retryOnce() async throws {
        let sequence = PostgresTestSupport.uniqueName("attempts")
        try await PostgresTestSupport.withPool(maxConnections: 1) { pool async throws in
            _ = try await pool.query("CREATE SEQUENCE \(sequence)")
            // The statement kills its own backend; nextval is not transactional, so it counts attempts.
            await #expect(throws: PostgresError.self) {
                try await pool.query("SELECT nextval('\(sequence)'), pg_terminate_backend(pg_backend_pid())")
            }
            let attempts = try await pool.query("SELECT last_value AS n FROM \(sequence)").rows[0].int("n")
            #expect(attempts == 2)
            _ = try await pool.query("DROP SEQUENCE \(sequence)")
        }
    }

    @Test("isReachable is true for the test server and false for a closed port")
    func reachability() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            #expect(await pool.isReachable())
        }
        try await PostgresTestSupport.withPool(url: "host=127.0.0.1 port=1 dbname=none user=none connect_timeout=2") { pool async throws in
            #expect(await pool.isReachable() == false)
        }
    }

    @Test("sessions run in UTC with ISO dates")
    func sessionSettings() async throws {
        try await PostgresTestSupport.withPool { pool async throws in
            let row = try await pool.query("SELECT current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds").rows[0]
            #expect(try row.string("tz") == "UTC")
            #expect(try row.string("ds").hasPrefix("ISO"))
        }
    }

    @Test("a failed connection attempt says why without the password")
    func connectError() async throws {
        try await PostgresTestSupport.withPool(url: "postgresql://user:sup3rsecret@127.0.0.1:1/db?connect_timeout=2") { pool async throws in
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.message.contains("could not connect") == true)
            #expect(error?.message.contains("sup3rsecret") == false)
        }
    }

    @Test("after shutdown, queries fail instead of hanging")
    func shutdown() async throws {
        let pool = PostgresPool(url: try PostgresTestSupport.databaseURL(), maxConnections: 1, logger: PostgresTestSupport.logger)
        _ = try await pool.query("SELECT 1")
        await pool.shutdown()
        await pool.shutdown()
        await #expect(throws: (any Error).self) { try await pool.query("SELECT 1") }
    }

    @Test("prepared statements are reused: many calls of one statement stay correct")
    func preparedReuse() async throws {
        try await PostgresTestSupport.withPool(maxConnections: 1) { pool async throws in
            for value in 0..<200 {
                #expect(try await pool.query("SELECT $1::bigint + 1 AS v", [.int(value)]).rows[0].int("v") == value + 1)
            }
            let prepared = try await pool.query("SELECT count(*) AS n FROM pg_prepared_statements").rows[0].int("n")
            #expect(prepared >= 1 && prepared <= 3)
        }
    }
}
