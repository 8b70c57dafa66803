/// Table-driven base64 decoding for both alphabets of RFC 4648: standard (§4, HTTP Basic) and
/// URL-safe (§5, JOSE). It runs on every token request (the client's Basic credentials, and
/// every JWS a resource server or the tests verify), where `Data(base64Encoded:)` and the string
/// replacing around it were most of the cost of reading the request.
@usableFromInline
enum Base64Decoder {
    /// Each byte's 6-bit value in one alphabet; `invalid` for bytes outside it.
    @usableFromInline
    struct Alphabet: Sendable {
        let values: [UInt8]

        init(_ characters: String) {
            var values = [UInt8](repeating: Base64Decoder.invalid, count: 256)
            for (value, character) in characters.utf8.enumerated() { values[Int(character)] = UInt8(value) }
            self.values = values
        }
    }

    static let invalid: UInt8 = 0xFF
    @usableFromInline
    static let standard = Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    static let url = Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// Decodes characters of `alphabet` without padding. Nil for a byte outside the alphabet or a
    /// lone last character (length % 4 == 1, 6 bits cannot make a byte). With `canonical`, also
    /// nil when the bits of the last character that carry no data are not zero (RFC 4648 §3.5),
    /// so that a byte string has exactly one encoding.
    @usableFromInline
    static func decode(_ input: UnsafeBufferPointer<UInt8>, _ alphabet: Alphabet, canonical: Bool) -> [UInt8]? {
        let count = input.count
        guard count % 4 != 1 else { return nil }
        let values = alphabet.values
        var output = [UInt8]()
        output.reserveCapacity(count / 4 * 3 + 2)
        var index = 0
        while index + 4 <= count {
            let a = values[Int(input[index])], b = values[Int(input[index + 1])]
            let c = values[Int(input[index + 2])], d = values[Int(input[index + 3])]
            guard (a | b | c | d) & 0xC0 == 0 else { return nil }
            output.append(a << 2 | b >> 4)
            output.append(b << 4 | c >> 2)
            output.append(c << 6 | d)
            index += 4
        }
        switch count - index {
        case 2:
            let a = values[Int(input[index])], b = values[Int(input[index + 1])]
            guard (a | b) & 0xC0 == 0, !canonical || b & 0x0F == 0 else { return nil }
            output.append(a << 2 | b >> 4)
        case 3:
            let a = values[Int(input[index])], b = values[Int(input[index + 1])], c = values[Int(input[index + 2])]
            guard (a | b | c) & 0xC0 == 0, !canonical || c & 0x03 == 0 else { return nil }
            output.append(a << 2 | b >> 4)
            output.append(b << 4 | c >> 2)
        default:
            break
        }
        return output
    }

    /// `body` on the text's UTF-8 bytes, copied only when the string is not stored contiguously.
    @inlinable
    static func withBytes<Text: StringProtocol, Result>(of text: Text, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
