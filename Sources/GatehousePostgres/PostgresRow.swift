public import Foundation

/// The rows a statement returned and how many rows it touched (`PQcmdTuples`). Results are
/// copied out of libpq before the connection goes back to the pool, so they are plain values.
public struct PostgresResult: Sendable {
    public let rows: [PostgresRow]
    public let affectedRows: Int
}

/// One result row in PostgreSQL's text format, read by column name. Stores map rows to models
/// with these typed accessors; each throws a `PostgresError` naming the column when the value is
/// missing, NULL where not allowed, or not of the asked type (the value itself is never echoed,
/// since it may be a secret's digest).
public struct PostgresRow: Sendable {
    /// Column name → position, shared by every row of a result.
    let columns: [String: Int]
    /// nil is SQL NULL.
    let values: [String?]

    public func string(_ column: String) throws -> String {
        try required(column)
    }

    public func optionalString(_ column: String) throws -> String? {
        try raw(column)
    }

    public func int(_ column: String) throws -> Int {
        try decode(column, as: "an integer", Int.init)
    }

    public func optionalInt(_ column: String) throws -> Int? {
        try optional(column) { try decode(column, as: "an integer", Int.init) }
    }

    /// `boolean` columns, which PostgreSQL prints as `t` / `f`.
    public func bool(_ column: String) throws -> Bool {
        try decode(column, as: "a boolean") { $0 == "t" ? true : $0 == "f" ? false : nil }
    }

    /// `bytea` in hex output format (`\x0a1b...`).
    public func bytes(_ column: String) throws -> [UInt8] {
        try decode(column, as: "bytea in hex format", Self.decodeHexBytea)
    }

    public func optionalBytes(_ column: String) throws -> [UInt8]? {
        try optional(column) { try bytes(column) }
    }

    public func uuid(_ column: String) throws -> UUID {
        try decode(column, as: "a UUID", UUID.init(uuidString:))
    }

    public func optionalUUID(_ column: String) throws -> UUID? {
        try optional(column) { try uuid(column) }
    }

    /// `timestamptz` (the session runs in UTC with DateStyle ISO), to the microsecond.
    public func date(_ column: String) throws -> Date {
        try decode(column, as: "a timestamp", PostgresTimestamp.parse)
    }

    public func optionalDate(_ column: String) throws -> Date? {
        try optional(column) { try date(column) }
    }

    /// `text[]`; NULL elements and multi-dimensional arrays are refused.
    public func stringArray(_ column: String) throws -> [String] {
        let text = try required(column)
        do {
            return try PostgresArrayLiteral.parse(text)
        } catch let error as PostgresError {
            throw PostgresError(message: "column \"\(column)\": \(error.message)")
        }
    }

    // MARK: - Lookup

    private func raw(_ column: String) throws -> String? {
        guard let index = columns[column] else {
            let known = columns.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")
            throw PostgresError(message: "no column \"\(column)\" in the result (columns: \(known))")
        }
        return values[index]
    }

    private func required(_ column: String) throws -> String {
        guard let value = try raw(column) else {
            throw PostgresError(message: "column \"\(column)\" is NULL")
        }
        return value
    }

    private func optional<T>(_ column: String, _ read: () throws -> T) throws -> T? {
        try raw(column) == nil ? nil : read()
    }

    private func decode<T>(_ column: String, as kind: String, _ convert: (String) -> T?) throws -> T {
        guard let value = convert(try required(column)) else {
            throw PostgresError(message: "column \"\(column)\" is not \(kind)")
        }
        return value
    }

    static func decodeHexBytea(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count >= 2, digits[0] == UInt8(ascii: "\\"), digits[1] == UInt8(ascii: "x"),
              digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2 - 1)
        var index = 2
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
