import Foundation
import GatehousePostgres
import Testing

/// Statements, errors and transactions as the stores meet them.
@Suite("PostgresPool queries and transactions")
struct PostgresQueryTests {
    /// A fresh table `(id bigint PRIMARY KEY, email text UNIQUE)` for one test, dropped afterwards.
    private func withTable<T>(_ body: (PostgresPool, String) async throws -> T) async throws -> T {
        let table = PostgresTestSupport.uniqueName("accounts")
        return try await PostgresTestSupport.withPool { pool async throws in
            _ = try await pool.query("CREATE TABLE \(table) (id bigint PRIMARY KEY, email text UNIQUE NOT NULL)")
            do {
                let result = try await body(pool, table)
                _ = try await pool.query("DROP TABLE \(table)")
                return result
            } catch {
                _ = try? await pool.query("DROP TABLE \(table)")
                throw error
            }
        }
    }

    @Test("an SQL injection attempt in a parameter matches no rows and runs nothing")
    func injection() async throws {
        try await withTable { pool, table async throws in
            _ = try await pool.query("INSERT INTO \(table) (id, email) VALUES (1, 'a@example.com')")
            for attempt in ["x' OR '1'='1", "' OR 1=1 --", "'; DROP TABLE \(table); --"] {
                let result = try await pool.query("SELECT id FROM \(table) WHERE email = $1", [.text(attempt)])
                #expect(result.rows.isEmpty)
            }
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)").rows[0].int("n")
            #expect(count == 1)
        }
    }

    @Test("a duplicate key is reported as a unique violation (SQLSTATE 23505)")
    func uniqueViolation() async throws {
        try await withTable { pool, table async throws in
            let insert = "INSERT INTO \(table) (id, email) VALUES ($1, $2)"
            _ = try await pool.query(insert, [.int(1), .text("a@example.com")])
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query(insert, [.int(2), .text("a@example.com")])
            }
            #expect(error?.isUniqueViolation == true)
            #expect(error?.sqlState == "23505")
            #expect(error?.message.contains("duplicate key") == true)
        }
    }

    @Test("server errors carry the SQLSTATE and message; the connection stays usable")
    func serverErrors() async throws {
        try await PostgresTestSupport.withPool(maxConnections: 1) { pool async throws in
            let syntax = await #expect(throws: PostgresError.self) { try await pool.query("SELEKT 1") }
            #expect(syntax?.sqlState == "42601")
            #expect(syntax?.isUniqueViolation == false)
            let missing = await #expect(throws: PostgresError.self) { try await pool.query("SELECT * FROM no_such_table_anywhere") }
            #expect(missing?.sqlState == "42P01")
            let one = try await pool.query("SELECT 1 AS one").rows[0].int("one")
            #expect(one == 1)
        }
    }

    @Test("affectedRows counts the rows an UPDATE touched")
    func affectedRows() async throws {
        try await withTable { pool, table async throws in
            _ = try await pool.query("INSERT INTO \(table) SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 5) g")
            let updated = try await pool.query("UPDATE \(table) SET email = email || '.x' WHERE id <= $1", [.int(3)])
            #expect(updated.affectedRows == 3)
        }
    }

    @Test("a transaction commits when its body returns")
    func commit() async throws {
        try await withTable { pool, table async throws in
            let id = try await pool.transaction { connection in
                _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (1, 'a@example.com')")
                _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (2, 'b@example.com')")
                return 2
            }
            #expect(id == 2)
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)").rows[0].int("n")
            #expect(count == 2)
        }
    }

    struct Abort: Error, Equatable {}

    @Test("a transaction rolls back when its body throws, and the body's error comes out")
    func rollbackOnThrow() async throws {
        try await withTable { pool, table async throws in
            await #expect(throws: Abort()) {
                try await pool.transaction { connection in
                    _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (1, 'a@example.com')")
                    throw Abort()
                }
            }
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)").rows[0].int("n")
            #expect(count == 0)
        }
    }

    @Test("a transaction whose body swallowed a statement error is rolled back, not committed")
    func swallowedError() async throws {
        try await withTable { pool, table async throws in
            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction { connection in
                    _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (1, 'a@example.com')")
                    _ = try? connection.query("INSERT INTO \(table) (id, email) VALUES (1, 'again@example.com')")
                    return true
                }
            }
            #expect(error?.message.contains("rolled back") == true)
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)").rows[0].int("n")
            #expect(count == 0)
        }
    }

    @Test("a connection lost inside a transaction is not retried: the transaction fails as a whole")
    func lostInsideTransaction() async throws {
        try await withTable { pool, table async throws in
            await #expect(throws: PostgresError.self) {
                try await pool.transaction { connection in
                    _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (1, 'a@example.com')")
                    _ = try connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
                    _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (2, 'b@example.com')")
                    return true
                }
            }
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)").rows[0].int("n")
            #expect(count == 0)
        }
    }

    @Test("a connection left inside a transaction by withConnection is rolled back before its next use")
    func leftoverTransaction() async throws {
        try await withTable { pool, table async throws in
            try await pool.withConnection { connection in
                _ = try connection.query("BEGIN")
                _ = try connection.query("INSERT INTO \(table) (id, email) VALUES (1, 'a@example.com')")
            }
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)").rows[0].int("n")
            #expect(count == 0)
        }
    }

    @Test("execute(script:) runs several statements; a failing one reports its error")
    func scripts() async throws {
        let table = PostgresTestSupport.uniqueName("script")
        try await PostgresTestSupport.withPool(maxConnections: 1) { pool async throws in
            try await pool.withConnection { connection in
                try connection.execute(script: "CREATE TEMP TABLE \(table) (n int); INSERT INTO \(table) VALUES (1), (2);")
                #expect(try connection.query("SELECT sum(n) AS s FROM \(table)").rows[0].int("s") == 3)
                #expect(throws: PostgresError.self) { try connection.execute(script: "SELECT 1; SELECT * FROM nowhere_\(table)") }
            }
        }
    }
}
