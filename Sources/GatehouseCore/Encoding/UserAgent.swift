/// The `User-Agent` a request sent, as Gatehouse keeps it (audit events, browser sessions): at
/// most 512 bytes of UTF-8, cut on a Unicode scalar boundary, without NUL. Counted in bytes, not
/// characters: one character can be a base letter followed by thousands of combining marks.
public enum UserAgent {
    public static let maxBytes = 512

    public static func capped(_ value: String) -> String {
        value.replacingOccurrences(of: "\u{0}", with: "").utf8Prefix(maxBytes: maxBytes)
    }
}

extension String {
    /// The longest prefix of at most `maxBytes` bytes of UTF-8 that ends on a Unicode scalar
    /// boundary (it may split a grapheme, never a scalar).
    public func utf8Prefix(maxBytes: Int) -> String {
        guard utf8.count > maxBytes else { return self }
        var kept = String.UnicodeScalarView()
        var used = 0
        for scalar in unicodeScalars {
            let width = UTF8.width(scalar)
            guard used + width <= maxBytes else { break }
            kept.append(scalar)
            used += width
        }
        return String(kept)
    }
}
