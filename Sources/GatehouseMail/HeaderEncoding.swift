import Foundation

/// Header values as RFC 5322 and RFC 2047 want them: ASCII only, lines folded near 78
/// characters, anything else as `=?UTF-8?B?…?=` encoded words.
enum HeaderEncoding {
    /// UTF-8 bytes per encoded word: 42 bytes → 56 base64 characters → a 68-character word,
    /// so `Subject: ` plus one word stays within 78 (RFC 2047 §2 allows 75 per word).
    static let bytesPerWord = 42

    /// An unstructured value such as Subject: plain and folded at spaces when it is printable
    /// ASCII, encoded words otherwise (also when it merely looks like an encoded word, or has a
    /// word too long to fold). The caller has refused CR and LF already.
    static func unstructured(_ value: String, nameLength: Int) -> String {
        let printable = value.utf8.allSatisfy { $0 >= 32 && $0 < 127 }
        if printable, !value.contains("=?"), let folded = fold(value, nameLength: nameLength) {
            return folded
        }
        return encodedWords(value).joined(separator: "\r\n ")
    }

    /// A display name: a bare phrase when it is atoms and spaces, a quoted string when it is
    /// other printable ASCII, encoded words otherwise (RFC 5322 §3.2.5, RFC 2047 §5(3)).
    static func phrase(_ value: String) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)
        if value.utf8.allSatisfy(atext.contains), !value.contains("=?"), !value.hasPrefix(" "), !value.hasSuffix(" ") {
            return value
        }
        if value.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }), !value.contains("=?") {
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedWords(value).joined(separator: " ")
    }

    /// Folds at spaces so each line stays within 78 characters (the header name and ": " count on
    /// the first line). nil when a single word would still exceed 998 (the hard limit).
    static func fold(_ value: String, nameLength: Int) -> String? {
        var lines: [String] = []
        var line = ""
        var lineLength = nameLength + 2
        for (index, word) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            let piece = (index == 0 ? "" : " ") + word
            if index > 0, lineLength + piece.utf8.count > 78, !line.isEmpty {
                lines.append(line)
                line = ""
                lineLength = 0
            }
            line += piece
            lineLength += piece.utf8.count
            if lineLength > 998 { return nil }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// `=?UTF-8?B?…?=` words of at most `bytesPerWord` UTF-8 bytes each, never splitting a
    /// character's bytes across two words (RFC 2047 §5: each word is decodable on its own).
    static func encodedWords(_ value: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > bytesPerWord {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
