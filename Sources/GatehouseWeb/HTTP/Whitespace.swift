/// The characters Foundation's `CharacterSet.whitespaces` holds: tab, the Unicode space
/// separators (category Zs) and U+200B. Trimming with it on UTF-8, without bridging, keeps the
/// Authorization header and client addresses reading as they did, on every request.
public enum Whitespace {
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `text` without whitespace at either end, as `trimmingCharacters(in: .whitespaces)` gives it.
    public static func trimming(_ text: Substring) -> Substring {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, contains(scalars[start]) { scalars.formIndex(after: &start) }
        while start < end {
            let last = scalars.index(before: end)
            guard contains(scalars[last]) else { break }
            end = last
        }
        return text[start..<end]
    }
}
