internal import CLibPQ
import Foundation

/// A prepared statement is reusable only with the same SQL and the same declared parameter types
/// (bytea parameters are declared, every other type is left to the server to infer).
struct StatementKey: Hashable {
    let sql: String
    let typeOIDs: [UInt32]
}

/// Running statements: prepared and cached per connection (PQprepare + PQexecPrepared is about
/// twice as fast as PQexecParams, which re-parses and re-plans every time), with parameters
/// bound out of band, results copied into `PostgresResult`, and one retry after a lost connection.
extension LibPQConnection {
    /// Statements beyond this many run unprepared, so dynamic SQL cannot grow the cache forever.
    static let statementCacheLimit = 512

    /// Runs one parameterized statement. If the connection turns out dead and no transaction
    /// was open, it reconnects and runs the statement once more: nothing was in flight that a
    /// new session could lose. Inside a transaction the error is thrown, as the work is gone.
    func query(_ sql: String, _ parameters: [PostgresValue]) throws -> PostgresResult {
        let wire = try parameters.enumerated().map { try WireParameter($1, position: $0 + 1) }
        let handle = try connectedHandle()
        let mayRetry = PQtransactionStatus(handle) == PQTRANS_IDLE
        do {
            return try run(sql, wire)
        } catch let error as PostgresError where mayRetry {
            if !isConnected {
                logger.warning("PostgreSQL connection lost; running the statement again on a new connection",
                               metadata: ["error": "\(error.message)"])
                try connect()
                return try run(sql, wire)
            }
            if forgetStaleStatement(after: error, sql: sql, wire: wire) { return try run(sql, wire) }
            throw error
        }
    }

    /// Runs SQL through the simple-query protocol (several statements, no parameters).
    func execute(script sql: String) throws {
        _ = try takeResult(PQexec(try connectedHandle(), sql))
    }

    /// A parameterless command such as BEGIN or COMMIT, without a prepared statement.
    func simpleCommand(_ sql: String) throws {
        _ = try takeResult(PQexec(try connectedHandle(), sql))
    }

    private func run(_ sql: String, _ wire: [WireParameter]) throws -> PostgresResult {
        let handle = try connectedHandle()
        let key = StatementKey(sql: sql, typeOIDs: wire.map(\.typeOID))
        var name = statements[key]
        if name == nil, statements.count < Self.statementCacheLimit {
            let newName = "gatehouse_\(nextStatementNumber)"
            let hasTypes = key.typeOIDs.contains { $0 != 0 }
            let prepared = key.typeOIDs.withUnsafeBufferPointer { types in
                PQprepare(handle, newName, sql, Int32(wire.count), hasTypes ? types.baseAddress : nil)
            }
            _ = try takeResult(prepared)
            nextStatementNumber += 1
            statements[key] = newName
            name = newName
        }
        return try Self.withParameterPointers(wire) { values, lengths, formats in
            if let name {
                return try takeResult(PQexecPrepared(handle, name, Int32(wire.count), values, lengths, formats, 0))
            }
            return try takeResult(PQexecParams(handle, sql, Int32(wire.count), key.typeOIDs, values, lengths, formats, 0))
        }
    }

    /// A cached statement can go stale: a script ran `DEALLOCATE ALL` / `DISCARD ALL` (26000), or a
    /// migration changed a table so the plan's result type changed (0A000). Forgets it and says
    /// whether running it again may help.
    private func forgetStaleStatement(after error: PostgresError, sql: String, wire: [WireParameter]) -> Bool {
        let key = StatementKey(sql: sql, typeOIDs: wire.map(\.typeOID))
        guard statements[key] != nil else { return false }
        switch error.sqlState {
        case "26000":
            statements = [:]
            return true
        case "0A000" where error.message.contains("cached plan"):
            statements[key] = nil
            return true
        default:
            return false
        }
    }

    /// Copies a `PGresult` into Swift values (or its error into `PostgresError`) and frees it.
    private func takeResult(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            throw PostgresError(message: Self.trimmed(handle.map(PQerrorMessage) ?? nil))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            break
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(sqlState: sqlState, message: Self.trimmed(PQresultErrorMessage(result)))
        }
        let columnCount = PQnfields(result)
        var columns: [String: Int] = [:]
        for column in 0..<columnCount {
            let name = String(cString: PQfname(result, column))
            if columns[name] == nil { columns[name] = Int(column) }
        }
        let rows = (0..<PQntuples(result)).map { row in
            PostgresRow(columns: columns, values: (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return PostgresResult(rows: rows, affectedRows: affected)
    }

    /// Lays the parameters out as the C arrays libpq reads (values, lengths, formats); the
    /// copies live until `body` returns.
    private static func withParameterPointers<R>(
        _ wire: [WireParameter],
        _ body: ([UnsafePointer<CChar>?], [Int32], [Int32]) throws -> R
    ) throws -> R {
        guard wire.allSatisfy({ ($0.bytes?.count ?? 0) < Int(Int32.max) }) else {
            throw PostgresError(message: "a parameter is larger than 2 GB")
        }
        let copies: [UnsafeMutablePointer<CChar>?] = wire.map { parameter in
            parameter.bytes.map { bytes in
                let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: source.count) }
                }
                return copy
            }
        }
        defer { copies.forEach { $0?.deallocate() } }
        return try body(
            copies.map { $0.map { UnsafePointer($0) } },
            wire.map { Int32($0.bytes?.count ?? 0) },
            wire.map { $0.isBinary ? 1 : 0 }
        )
    }
}
