import Foundation

/// The text rules of organizations, permissions and custom roles, checked in Core before any
/// store sees a value (the database's CHECK constraints say the same, as a last line).
public enum OrganizationNames {
    /// 1–200 characters once trimmed, no control characters.
    public static func displayName(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count),
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return trimmed
    }

    /// A slug: lower-case ASCII letters and digits, inner hyphens, 1–63 characters.
    public static func isSlug(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// The slug a name suggests: accents folded, everything else between letters and digits a
    /// single hyphen ("Café Müller & Söhne" → "cafe-muller-sohne"); "organization" when nothing
    /// is left. The store makes it unique by a numeric suffix.
    public static func slug(from name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en"))
        var slug: [UInt8] = []
        var pendingHyphen = false
        for byte in folded.lowercased().utf8 {
            if isLowerAlphanumeric(byte) {
                let hyphen = pendingHyphen && !slug.isEmpty
                if slug.count + (hyphen ? 2 : 1) > 63 { break }
                if hyphen { slug.append(UInt8(ascii: "-")) }
                pendingHyphen = false
                slug.append(byte)
            } else {
                pendingHyphen = true
            }
        }
        while slug.last == UInt8(ascii: "-") { slug.removeLast() }
        return slug.isEmpty ? "organization" : String(decoding: slug, as: UTF8.self)
    }

    /// A permission string: `name` or `resource:action`, each part a lower-case letter then up to
    /// 62 of `a-z 0-9 _ . -` (`reports:read`, `billing:manage`).
    public static func isPermission(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy(isIdentifier)
    }

    /// A custom role's name: a lower-case letter then up to 62 of `a-z 0-9 _ . -` (`auditor`, `billing.viewer`).
    public static func isRoleName(_ text: String) -> Bool {
        isIdentifier(Substring(text))
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
