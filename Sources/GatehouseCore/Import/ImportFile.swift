import Foundation

/// An uploaded file read into rows, or refused as a whole (`ImportFileError`) before anything is
/// done: over 10 MB, neither CSV nor JSON lines, a header that is not the kind's columns.
///
/// A row that cannot be read (a field count that differs from the header's, invalid UTF-8, a NUL
/// byte, a JSON line that is not an object) is kept with its `problem`, so it is reported in its
/// place and the rows after it still go on.
public struct ImportFile: Sendable, Equatable {
    /// 10 MB (MiB): the issue's bound for one upload.
    public static let maximumBytes = 10 * 1_048_576
    /// Rows one job takes (a 10 MB file of short rows has about this many).
    public static let maximumRows = 100_000

    public struct Row: Sendable, Equatable {
        /// The row's line in the file (the header is line 1 of a CSV file).
        public var line: Int
        /// Column → value; absent and empty values are both "not given".
        public var fields: [String: String]
        /// Why the row cannot be read; nil for a readable row.
        public var problem: String?

        public init(line: Int, fields: [String: String], problem: String? = nil) {
            self.line = line
            self.fields = fields
            self.problem = problem
        }
    }

    public var kind: ImportKind
    public var rows: [Row]

    public init(kind: ImportKind, rows: [Row]) {
        self.kind = kind
        self.rows = rows
    }

    public init(kind: ImportKind, format: ImportFormat, bytes: [UInt8]) throws(ImportFileError) {
        guard bytes.count <= Self.maximumBytes else { throw .tooLarge(limit: Self.maximumBytes) }
        self.kind = kind
        switch format {
        case .csv: rows = try Self.csvRows(kind: kind, bytes: bytes)
        case .jsonl: rows = try Self.jsonRows(kind: kind, bytes: bytes)
        }
        guard !rows.isEmpty else { throw .empty }
        guard rows.count <= Self.maximumRows else { throw .tooManyRows(limit: Self.maximumRows) }
    }

    /// The format named by a request (`csv`, `jsonl`; `json-lines` and `ndjson` too).
    public static func format(named name: String) throws(ImportFileError) -> ImportFormat {
        switch name.lowercased() {
        case "csv", "text/csv": return .csv
        case "jsonl", "json-lines", "ndjson", "application/jsonl", "application/x-ndjson": return .jsonl
        default: throw .unsupportedFormat
        }
    }

    // MARK: - CSV

    static func csvRows(kind: ImportKind, bytes: [UInt8]) throws(ImportFileError) -> [Row] {
        let records = try CSVReader.records(bytes)
        guard let header = records.first else { throw .empty }
        let columns = try Self.header(header.fields, kind: kind)
        return records.dropFirst().map { record in
            guard record.fields.count == columns.count else {
                return Row(line: record.line, fields: [:],
                           problem: "has \(record.fields.count) fields; the header has \(columns.count)")
            }
            var fields: [String: String] = [:]
            for (column, bytes) in zip(columns, record.fields) {
                guard let value = String(validating: bytes, as: UTF8.self) else {
                    return Row(line: record.line, fields: [:], problem: "\(column) is not valid UTF-8")
                }
                guard !bytes.contains(0) else { return Row(line: record.line, fields: [:], problem: "\(column) contains a NUL byte") }
                fields[column] = value
            }
            return Row(line: record.line, fields: fields)
        }
    }

    /// The header's columns, each one of the kind's, none twice, the required ones present.
    static func header(_ fields: [[UInt8]], kind: ImportKind) throws(ImportFileError) -> [String] {
        let expected = kind.columns.joined(separator: ",")
        var columns: [String] = []
        for bytes in fields {
            guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
                throw .notCSV("the first line must be a header of the columns \(expected)")
            }
            let column = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard kind.columns.contains(column) else {
                throw .notCSV("the first line must be a header of the columns \(expected); \"\(column.prefix(40))\" is not one of them")
            }
            guard !columns.contains(column) else { throw .notCSV("the header names \(column) twice") }
            columns.append(column)
        }
        for column in kind.required where !columns.contains(column) {
            throw .notCSV("the header must name the column \(column) (the columns are \(expected))")
        }
        return columns
    }

    // MARK: - JSON lines

    static func jsonRows(kind: ImportKind, bytes: [UInt8]) throws(ImportFileError) -> [Row] {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var rows: [Row] = []
        var line = 0
        for var text in bytes[start...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            if text.last == UInt8(ascii: "\r") { text = text.dropLast() }
            if text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            let row = Self.jsonRow(Array(text), line: line, kind: kind)
            // The first record decides whether this is JSON lines at all.
            if rows.isEmpty, row.problem == Self.notAnObject {
                throw .notJSONLines("line \(line) is not a JSON object")
            }
            rows.append(row)
        }
        return rows
    }

    static let notAnObject = "is not a JSON object"

    static func jsonRow(_ bytes: [UInt8], line: Int, kind: ImportKind) -> Row {
        let data = Data(bytes)
        guard let keys = try? JSONDecoder().decode([String: JSONAny].self, from: data).keys else {
            return Row(line: line, fields: [:], problem: notAnObject)
        }
        if let unknown = keys.sorted().first(where: { !kind.columns.contains($0) }) {
            return Row(line: line, fields: [:],
                       problem: "has the key \"\(unknown.prefix(40))\", which is not one of \(kind.columns.joined(separator: ", "))")
        }
        guard let object = try? JSONDecoder().decode([String: JSONScalar].self, from: data) else {
            return Row(line: line, fields: [:], problem: "has a value that is not a string, number or boolean")
        }
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let text = value.text {
                guard !text.utf8.contains(0) else { return Row(line: line, fields: [:], problem: "\(key) contains a NUL byte") }
                fields[key] = text
            }
        }
        return Row(line: line, fields: fields)
    }
}

/// One value of a JSON line, as the text a CSV field would hold (null: not given).
struct JSONScalar: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = nil
        } else if let bool = try? container.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a string, number or boolean")
        }
    }
}

/// Any JSON value, to tell an object with nested values from something that is no object.
struct JSONAny: Decodable {
    init(from decoder: any Decoder) throws {}
}
