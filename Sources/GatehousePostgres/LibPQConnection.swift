internal import CLibPQ
import Foundation
import Logging

/// One libpq connection (`PGconn`) and the statements prepared on it: connecting, the session
/// set-up, the checkout health check and reconnecting. Queries live in `LibPQConnection+Query`.
///
/// Every call blocks, so it is only used on the pool's own threads, and by one thread at a time:
/// the pool leases it to exactly one caller. That lease is what makes `@unchecked Sendable` true
/// (a `PGconn` must never be used by two threads at once).
final class LibPQConnection: @unchecked Sendable {
    private let url: String
    let logger: Logger
    private(set) var handle: OpaquePointer?
    /// Prepared statement names by SQL text and parameter types; valid only for `handle`.
    var statements: [StatementKey: String] = [:]
    var nextStatementNumber = 0

    /// libpq options applied before the caller's URL, so the URL can override them.
    private static let defaultOptions = [
        ("connect_timeout", "5"),
        ("fallback_application_name", "gatehouse"),
    ]
    /// Every session speaks UTC and ISO dates (what `PostgresTimestamp` reads), UTF-8, hex bytea.
    private static let sessionSetup =
        "SET TIME ZONE 'UTC'; SET DateStyle TO 'ISO'; SET client_encoding TO 'UTF8'; SET bytea_output TO 'hex'"

    init(url: String, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    deinit { close() }

    var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    var transactionStatus: PGTransactionStatusType {
        handle.map(PQtransactionStatus) ?? PQTRANS_UNKNOWN
    }

    /// The checkout health check: connects if needed, and replaces a connection whose socket is
    /// readable while idle. Nothing is owed to an idle client, so readable means the server hung up
    /// meanwhile (restart, `pg_terminate_backend`: a FATAL message, then EOF); replacing it now is
    /// cheaper than letting the caller's statement fail and be retried. Also ends a transaction a
    /// previous user left open.
    func prepareForUse() throws {
        guard let handle, PQstatus(handle) == CONNECTION_OK, !Self.hasPendingInput(PQsocket(handle)) else {
            if self.handle != nil { logger.info("PostgreSQL connection was closed by the server; reconnecting") }
            return try connect()
        }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE:
            return
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            logger.warning("a PostgreSQL connection came back inside a transaction; rolling it back")
            do { try simpleCommand("ROLLBACK") } catch { try connect() }
        default:
            try connect()
        }
    }

    /// Opens a fresh session (closing any previous one, whose prepared statements die with it).
    func connect() throws {
        close()
        let options = Self.defaultOptions + [("dbname", url)]
        let keywords = options.map { strdup($0.0) }
        let values = options.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        let handle = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { keywordPointers in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 1)
            }
        }
        guard let handle else { throw PostgresError(message: "could not connect to PostgreSQL: out of memory") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(message: "could not connect to PostgreSQL: \(message)")
        }
        self.handle = handle
        PQsetNoticeReceiver(handle, logNotice, Unmanaged.passUnretained(self).toOpaque())
        do {
            try simpleCommand(Self.sessionSetup)
        } catch {
            close()
            throw error
        }
        logger.debug("connected to PostgreSQL", metadata: ["backendPID": "\(PQbackendPID(handle))"])
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        statements = [:]
    }

    /// A handle that is connected, or an error: used by queries, which never reconnect silently
    /// in the middle of a caller's work (that would lose a transaction).
    func connectedHandle() throws -> OpaquePointer {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(message: "the PostgreSQL connection was lost")
        }
        return handle
    }

    private static func hasPendingInput(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Server notices (e.g. "relation already exists, skipping") go to the log instead of libpq's
/// default of printing to stderr.
private func logNotice(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let connection = Unmanaged<LibPQConnection>.fromOpaque(context).takeUnretainedValue()
    let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))).map { String(cString: $0) } ?? "NOTICE"
    let message = LibPQConnection.trimmed(PQresultErrorMessage(result))
    connection.logger.log(level: severity == "WARNING" ? .warning : .debug, "PostgreSQL \(severity.lowercased())",
                          metadata: ["message": "\(message)"])
}
