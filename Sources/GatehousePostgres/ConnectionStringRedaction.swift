import Foundation

/// Hides passwords in a libpq connection string before it is logged. Both forms libpq accepts
/// are covered: the URI (`postgresql://user:secret@host/db?password=secret`) and key/value
/// conninfo (`host=h password='sec ret'`).
enum ConnectionStringRedaction {
    static func redact(_ url: String) -> String {
        var text = url
        // URI userinfo: scheme://user:password@ → scheme://user:***@
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
               let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(rest.index(after: colon)..<at, with: "***")
            }
        }
        return redactPasswordParameters(text)
    }

    /// `password=value` in a URI query (ends at `&`) or a conninfo string (ends at a space,
    /// or is single-quoted with backslash escapes).
    private static func redactPasswordParameters(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let match = rest.range(of: "password", options: .caseInsensitive) {
            result += rest[..<match.upperBound]
            rest = rest[match.upperBound...]
            let afterSpaces = rest.drop { $0 == " " }
            guard afterSpaces.first == "=" else { continue }
            result += rest[..<afterSpaces.startIndex] + "="
            var value = afterSpaces.dropFirst().drop { $0 == " " }
            if value.first == "'" {
                value = value.dropFirst()
                while let character = value.first, character != "'" {
                    value = value.dropFirst(character == "\\" ? 2 : 1)
                }
                value = value.dropFirst()
            } else {
                value = value.drop { $0 != " " && $0 != "&" }
            }
            result += "***"
            rest = value
        }
        return result + rest
    }
}
