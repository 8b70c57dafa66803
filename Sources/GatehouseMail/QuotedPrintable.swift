import Foundation

/// Quoted-printable body encoding (RFC 2045 §6.7) with CRLF line ends: the text stays readable
/// in the raw message, no line exceeds 76 characters, and only ASCII travels.
enum QuotedPrintable {
    /// Encodes UTF-8 text. Line breaks (LF, CRLF or CR) become CRLF hard breaks; long lines
    /// get `=` soft breaks. A space or tab at a line end, `=`, non-ASCII and control bytes are
    /// written as `=XX`, and so is a `.` starting a line (so no line is ever a lone dot).
    static func encode(_ text: String) -> String {
        var output = ""
        let lines = normalizedLines(text)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += "\r\n" }
            output += encodeLine(Array(line.utf8))
        }
        return output
    }

    static func normalizedLines(_ text: String) -> [Substring] {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var length = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            var token: String
            switch byte {
            case 32, 9:
                token = isLast ? escape(byte) : String(UnicodeScalar(byte))
            case UInt8(ascii: "."):
                token = index == 0 ? escape(byte) : "."
            case 33...126 where byte != UInt8(ascii: "="):
                token = String(UnicodeScalar(byte))
            default:
                token = escape(byte)
            }
            // 75 characters plus the `=` of a soft break make the 76 RFC 2045 allows.
            if length + token.utf8.count > 75 {
                output += "=\r\n"
                length = 0
                if token == "." { token = escape(byte) }
            }
            output += token
            length += token.utf8.count
        }
        return output
    }

    private static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
