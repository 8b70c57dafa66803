/// Why a form body or query string was refused (`FormEncoding.decode`): a value that would
/// otherwise reach a store or a page broken. Each route turns it into its own 400 answer
/// (`invalid_request` at the OAuth endpoints, the "Invalid request" page on the hosted pages).
public struct FormDecodingError: Error, Equatable, CustomStringConvertible {
    public enum Problem: Error, Equatable, Sendable {
        /// A `%` not followed by two hex digits.
        case badEscape
        /// Bytes that are not UTF-8 (after `%XX` decoding).
        case notUTF8
        /// NUL or another control character no parameter may hold (`ControlCharacters`).
        case controlCharacter
    }

    public let problem: Problem
    /// The parameter whose value was refused; nil when its name itself was.
    public let parameter: String?

    public init(problem: Problem, parameter: String?) {
        self.problem = problem
        self.parameter = parameter
    }

    /// For `error_description` and the error page: names the parameter (when its name is short
    /// and plain enough to repeat) and the rule, never the value.
    public var description: String {
        let subject: String
        if let parameter, !parameter.isEmpty, parameter.utf8.count <= 40,
           parameter.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                                       || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20)
                                       || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            subject = "the value of \(parameter)"
        } else if parameter != nil {
            subject = "a parameter value"
        } else {
            subject = "a parameter name"
        }
        switch problem {
        case .badEscape: return "\(subject) has a '%' that is not followed by two hex digits"
        case .notUTF8: return "\(subject) is not UTF-8"
        case .controlCharacter: return "\(subject) holds a control character (NUL, or a C0 control other than tab and line breaks)"
        }
    }
}

/// The control characters no request parameter may hold: NUL (PostgreSQL text
/// cannot store it, and C strings end at it) and the other C0 controls except tab, line feed and
/// carriage return, which pasted or multi-line text may carry. Checked on UTF-8 bytes: every
/// byte below 0x20 is such a control, never part of a longer character.
public enum ControlCharacters {
    public static func isRefused(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D
    }

    /// Whether `text` holds a refused control character.
    public static func isPresent(in text: some StringProtocol) -> Bool {
        text.utf8.contains(where: isRefused)
    }
}
