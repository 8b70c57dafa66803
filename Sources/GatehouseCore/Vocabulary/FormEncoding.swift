import Foundation

/// `application/x-www-form-urlencoded` (WHATWG URL §5), used for form bodies, query strings and
/// the Basic credentials of RFC 6749 §2.3.1.
public enum FormEncoding {
    /// Parses `a=1&b=2`, keeping order and repeats. Nil if a component is not valid
    /// percent-encoded UTF-8.
    public static func parse(_ text: String) -> RequestParameters? {
        var pairs: [(name: String, value: String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decodeComponent(String(parts[0])),
                  let value = decodeComponent(parts.count > 1 ? String(parts[1]) : "") else { return nil }
            pairs.append((name, value))
        }
        return RequestParameters(pairs)
    }

    public static func decodeComponent(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
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

/// Standard base64 with padding, for HTTP Basic credentials.
public enum Base64Standard {
    public static func decode(_ text: String) -> String? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
