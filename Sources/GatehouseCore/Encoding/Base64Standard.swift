/// Standard base64 with padding, for HTTP Basic credentials (read by the web layer on every
/// token request: inlinable, so the caller gets a version specialised for its string type).
public enum Base64Standard {
    /// Reads what `Data(base64Encoded:)` read: the standard alphabet, then as many '=' as the
    /// last group needs or more, unused bits not checked. The bytes must be UTF-8 (a leading
    /// byte order mark is dropped, as `String(data:encoding:)` did).
    @inlinable
    public static func decode(_ text: some StringProtocol) -> String? {
        Base64Decoder.withBytes(of: text) { input in
            var body = input.count
            while body > 0, input[body - 1] == UInt8(ascii: "=") { body -= 1 }
            guard body > 0 || input.isEmpty, input.count - body >= (4 - body % 4) % 4 else { return nil }
            let bytes = Base64Decoder.decode(UnsafeBufferPointer(rebasing: input[..<body]), Base64Decoder.standard, canonical: false)
            return bytes.flatMap(UTF8Text.string)
        }
    }
}
