public import Foundation

/// A query parameter. Stores pass values, never SQL fragments: each case is bound as a
/// separate protocol parameter (`$1`, `$2`, ...), so nothing a user types is parsed as SQL.
public enum PostgresValue: Sendable {
    case text(String)
    case int(Int)
    case bool(Bool)
    /// Sent in binary format with its length, so zero bytes survive (for `bytea` columns).
    case bytes([UInt8])
    case uuid(UUID)
    /// Sent in UTC with microseconds, PostgreSQL's `timestamptz` resolution.
    case timestamp(Date)
    /// Sent as an array literal with every element quoted and escaped (for `text[]`).
    case textArray([String])
    case null
}

/// One parameter as libpq wants it: bytes, whether they are binary, and a type OID
/// (0 lets the server infer the type from the statement, as a literal would).
struct WireParameter: Sendable {
    /// nil means SQL NULL. Text values carry a trailing NUL byte, as libpq reads C strings.
    let bytes: [UInt8]?
    let isBinary: Bool
    let typeOID: UInt32

    static let byteaOID: UInt32 = 17

    init(_ value: PostgresValue, position: Int) throws {
        switch value {
        case .text(let string):
            self = try .text(string, position: position)
        case .int(let int):
            self = try .text(String(int), position: position)
        case .bool(let bool):
            self = try .text(bool ? "t" : "f", position: position)
        case .uuid(let uuid):
            self = try .text(uuid.uuidString, position: position)
        case .timestamp(let date):
            self = try .text(PostgresTimestamp.format(date), position: position)
        case .textArray(let elements):
            self = try .text(PostgresArrayLiteral.format(elements), position: position)
        case .bytes(let bytes):
            self.init(bytes: bytes, isBinary: true, typeOID: Self.byteaOID)
        case .null:
            self.init(bytes: nil, isBinary: false, typeOID: 0)
        }
    }

    private init(bytes: [UInt8]?, isBinary: Bool, typeOID: UInt32) {
        self.bytes = bytes
        self.isBinary = isBinary
        self.typeOID = typeOID
    }

    /// Text parameters travel as C strings: an embedded NUL would silently cut the value short,
    /// so it is refused (PostgreSQL `text` cannot hold one anyway).
    private static func text(_ string: String, position: Int) throws -> WireParameter {
        var bytes = Array(string.utf8)
        if bytes.contains(0) {
            throw PostgresError(message: "parameter $\(position) contains a NUL byte, which text cannot hold")
        }
        bytes.append(0)
        return WireParameter(bytes: bytes, isBinary: false, typeOID: 0)
    }
}
