/// Writes one flat JSON object (RFC 8259) straight into bytes, keys in the order given.
///
/// Why not `JSONEncoder`: the token endpoint writes two or three small objects per grant (the
/// claims of each JWT and the response), and `JSONEncoder`'s reflection-driven containers cost
/// ~5 % of a grant's CPU — a sixth of what the RSA signature itself costs. Keys are fixed
/// ASCII names written as they are; every value goes through `appendString`'s escaping.
/// Absent optionals write nothing, as `JSONEncoder` does.
public struct JSONObjectWriter: Sendable {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var isEmpty = true

    public init() { bytes.reserveCapacity(512) }

    public mutating func write(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        writeKey(key)
        Self.appendString(value, to: &bytes)
    }

    public mutating func write(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        writeKey(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func write(_ key: StaticString, _ values: [String]?) {
        guard let values else { return }
        writeKey(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A nested object (`act`'s `{"sub": …}`, RFC 8693 §4.1).
    public mutating func write(_ key: StaticString, _ object: JSONObjectWriter?) {
        guard let object else { return }
        writeKey(key)
        bytes.append(contentsOf: object.finish())
    }

    /// The finished object.
    public func finish() -> [UInt8] { bytes + [UInt8(ascii: "}")] }

    private mutating func writeKey(_ key: StaticString) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// `text` as a JSON string literal, quotes included (RFC 8259 §7): `"` and `\` escaped,
    /// control characters as `\n`-style or `\u00XX` escapes, everything else as UTF-8.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Tokens, ids and URLs need no escape: copied in one piece (a JWT in a response is ~800 bytes).
        let clean = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: needsEscape) }
            ?? !text.utf8.contains(where: needsEscape)
        if clean {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal, quotes included.
    public static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
