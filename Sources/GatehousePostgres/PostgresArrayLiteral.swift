/// Writes and reads one-dimensional `text[]` literals (`{"a","b,c"}`), the text form PostgreSQL
/// uses for array parameters and results. Redirect URIs and scopes are stored this way, and they
/// contain commas, quotes and backslashes often enough that the quoting must be exact.
enum PostgresArrayLiteral {
    /// Every element is double-quoted with `"` and `\` escaped, so empty strings, spaces,
    /// commas, braces and the word NULL all stay plain strings.
    static func format(_ elements: [String]) throws -> String {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if element.utf8.contains(0) {
                throw PostgresError(message: "array element \(index + 1) contains a NUL byte, which text cannot hold")
            }
            if index > 0 { literal += "," }
            literal += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }

    /// Reads PostgreSQL's array output. NULL elements and nested (multi-dimensional) arrays are
    /// refused: the stores' `text[]` columns hold neither, so meeting one means a schema mistake.
    static func parse(_ text: String) throws -> [String] {
        var bytes = Array(text.utf8)[...]
        // Arrays with non-default bounds are printed as `[0:1]={...}`; the bounds do not matter here.
        if bytes.first == UInt8(ascii: "["), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            bytes = bytes[(equals + 1)...]
        }
        guard bytes.popFirst() == UInt8(ascii: "{"), bytes.popLast() == UInt8(ascii: "}") else {
            throw malformed("it is not enclosed in braces")
        }
        if bytes.allSatisfy(isSpace) { return [] }
        var elements: [String] = []
        while true {
            elements.append(try element(from: &bytes))
            while let byte = bytes.first, isSpace(byte) { bytes.removeFirst() }
            guard let separator = bytes.popFirst() else { return elements }
            guard separator == UInt8(ascii: ",") else { throw malformed("an element is followed by garbage") }
        }
    }

    /// One element, quoted or bare; leaves `bytes` at the separator after it.
    private static func element(from bytes: inout ArraySlice<UInt8>) throws -> String {
        while let byte = bytes.first, isSpace(byte) { bytes.removeFirst() }
        var value: [UInt8] = []
        if bytes.first == UInt8(ascii: "\"") {
            bytes.removeFirst()
            while true {
                guard let byte = bytes.popFirst() else { throw malformed("a quoted element is not closed") }
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = bytes.popFirst() else { throw malformed("it ends in a backslash") }
                    value.append(escaped)
                } else {
                    value.append(byte)
                }
            }
            return String(decoding: value, as: UTF8.self)
        }
        if bytes.first == UInt8(ascii: "{") { throw malformed("multi-dimensional arrays are not supported") }
        while let byte = bytes.first, byte != UInt8(ascii: ",") {
            bytes.removeFirst()
            if byte == UInt8(ascii: "\\") {
                guard let escaped = bytes.popFirst() else { throw malformed("it ends in a backslash") }
                value.append(escaped)
            } else {
                value.append(byte)
            }
        }
        while let last = value.last, isSpace(last) { value.removeLast() }
        let string = String(decoding: value, as: UTF8.self)
        if string.uppercased() == "NULL" { throw PostgresError(message: "array contains a NULL element") }
        if string.isEmpty { throw malformed("an element is empty and unquoted") }
        return string
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func malformed(_ reason: String) -> PostgresError {
        PostgresError(message: "malformed text[] value: \(reason)")
    }
}
