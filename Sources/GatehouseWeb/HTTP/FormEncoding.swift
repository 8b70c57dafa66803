import Foundation
import GatehouseCore

/// `application/x-www-form-urlencoded` (WHATWG URL §5), used for form bodies, query strings and
/// the Basic credentials of RFC 6749 §2.3.1.
public enum FormEncoding {
    /// Parses `a=1&b=2`, keeping order and repeats. Nil if a component is not valid
    /// percent-encoded UTF-8 or holds a control character `decode` refuses.
    public static func parse(_ text: String) -> RequestParameters? {
        try? decode(text)
    }

    /// Parses `a=1&b=2`, keeping order and repeats, or says why the whole text is refused: a
    /// broken `%` escape, bytes that are not UTF-8, or a control character no parameter may hold
    /// (`ControlCharacters`). This is the one decoder of form bodies and query strings, so no NUL
    /// or stray control byte reaches a store (PostgreSQL text cannot hold NUL) or a page.
    ///
    /// Every form body and query string goes through here, the token endpoint's on each request;
    /// splitting and decoding on UTF-8 bytes replaced Foundation's bridged `split` and
    /// `removingPercentEncoding`, which cost several per cent of a token request. The separators
    /// are bytes, as WHATWG URL §5.1 defines them.
    public static func decode(_ text: String) throws(FormDecodingError) -> RequestParameters {
        var pairs: [(name: String, value: String)] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: ampersand) ?? utf8.endIndex
            if start < end {                                    // "a=1&&b=2": empty pieces are skipped
                let piece = text[start..<end]
                let rawName: Substring, rawValue: Substring
                if let equals = piece.utf8.firstIndex(of: equalsSign) {
                    rawName = piece[..<equals]
                    rawValue = piece[piece.utf8.index(after: equals)...]
                } else {
                    rawName = piece
                    rawValue = ""
                }
                let name: String, value: String
                do {
                    name = try decodeChecked(rawName)
                } catch {
                    throw FormDecodingError(problem: error, parameter: nil)
                }
                do {
                    value = try decodeChecked(rawValue)
                } catch {
                    throw FormDecodingError(problem: error, parameter: name)
                }
                pairs.append((name, value))
            }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
        }
        return RequestParameters(pairs)
    }

    public static func decodeComponent(_ text: String) -> String? {
        decodeComponent(text[...])
    }

    /// '+' is a space and `%XX` a byte; the bytes must be UTF-8 and free of the control
    /// characters `ControlCharacters` refuses. Nil otherwise. A leading byte order mark is
    /// dropped, as CoreFoundation's UTF-8 decoding under `removingPercentEncoding` did.
    public static func decodeComponent(_ text: Substring) -> String? {
        try? decodeChecked(text)
    }

    static func decodeChecked(_ text: Substring) throws(FormDecodingError.Problem) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 == percentSign || $0 == plusSign }) else {
            guard !utf8.contains(where: ControlCharacters.isRefused) else { throw .controlCharacter }
            return UTF8Text.droppingByteOrderMark(text)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count)
        bytes.append(contentsOf: utf8[..<first])
        var index = first
        while index < utf8.endIndex {
            let byte = utf8[index]
            utf8.formIndex(after: &index)
            switch byte {
            case plusSign:
                bytes.append(UInt8(ascii: " "))
            case percentSign:
                guard index < utf8.endIndex, let high = hexValue(utf8[index]) else { throw .badEscape }
                utf8.formIndex(after: &index)
                guard index < utf8.endIndex, let low = hexValue(utf8[index]) else { throw .badEscape }
                utf8.formIndex(after: &index)
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard !bytes.contains(where: ControlCharacters.isRefused) else { throw .controlCharacter }
        guard let decoded = UTF8Text.string(bytes) else { throw .notUTF8 }
        return decoded
    }

    private static let ampersand = UInt8(ascii: "&"), equalsSign = UInt8(ascii: "=")
    private static let percentSign = UInt8(ascii: "%"), plusSign = UInt8(ascii: "+")

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// Percent-encodes everything but the unreserved characters (RFC 3986 §2.3).
    public static func encodeComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encodeComponent($0.0))=\(encodeComponent($0.1))" }.joined(separator: "&")
    }

    /// Appends parameters to a URI's query, keeping any query it already has (RFC 6749 §3.1.2).
    /// No parameters leave the URI as it is (a registered URI comes back unchanged).
    public static func appendingQuery(to uri: String, _ pairs: [(String, String)]) -> String {
        guard !pairs.isEmpty else { return uri }
        let separator = uri.contains("?") ? "&" : "?"
        return uri + separator + encode(pairs)
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
