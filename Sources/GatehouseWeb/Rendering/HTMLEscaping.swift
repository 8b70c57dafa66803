/// The one HTML escaping of Gatehouse. Every value a page or an HTML mail prints goes through
/// `escape`, applied by `PageRenderer` (see `TemplateScope`); templates never escape by themselves.
///
/// It works on Unicode scalars, not on `Character`s: swift-mustache 2.1.1 escapes per grapheme
/// cluster, so `"` or `>` followed by a combining mark (U+0301) is one `Character` missing from
/// its table and was copied raw, out of the attribute it was in (the class of CVE-2026-27120 in
/// leaf-kit). Here every scalar is looked at on its own, whatever follows it.
enum HTMLEscaping {
    /// Text safe inside an element and inside a quoted attribute value:
    /// - `&`, `<`, `>`, `"`, `'` become character references;
    /// - `{` and `}` too, so no value can ever read as a template tag (`PageRenderer` hands
    ///   escaped values to swift-mustache as tiny templates of their own);
    /// - NUL and the other control characters an HTML parser reports as errors (C0 except tab,
    ///   line feed, form feed and carriage return; DEL; C1) become U+FFFD, as a browser would
    ///   show them anyway, so every page stays valid HTML.
    static func escape(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: needsWork) else { return text }
        var escaped = String.UnicodeScalarView()
        escaped.append(contentsOf: scalars[..<first])
        for scalar in scalars[first...] {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            case "{": escaped.append(contentsOf: "&#123;".unicodeScalars)
            case "}": escaped.append(contentsOf: "&#125;".unicodeScalars)
            case _ where isControl(scalar): escaped.append("\u{FFFD}")
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    private static func needsWork(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "&", "<", ">", "\"", "'", "{", "}": return true
        default: return isControl(scalar)
        }
    }

    /// HTML §13.2.3.5: control characters other than ASCII whitespace are parse errors.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0C, 0x0D: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }
}
