/// UTF-8 bytes to text as Foundation's decoding did (`String(data:encoding: .utf8)`,
/// `removingPercentEncoding`): nil unless every byte sequence is well-formed, and one leading
/// byte order mark dropped. Shared by the web layer's form decoding and `Base64Standard`;
/// inlinable so that decoding on every token request stays as fast as when both lived in one module.
public enum UTF8Text {
    @inlinable
    public static func string(_ bytes: [UInt8]) -> String? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .error: return nil
            case .emptyInput:
                return String(decoding: bytes.starts(with: byteOrderMark) ? bytes.dropFirst(byteOrderMark.count) : bytes[...],
                              as: UTF8.self)
            }
        }
    }

    @inlinable
    public static func droppingByteOrderMark(_ text: Substring) -> String {
        guard text.utf8.starts(with: byteOrderMark) else { return String(text) }
        return String(text[text.utf8.index(text.startIndex, offsetBy: byteOrderMark.count)...])
    }

    @usableFromInline
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
