/// Why a form body or query string was refused (`FormEncoding.decode`): a value that would
/// otherwise reach a store or a page broken. `FormBody` wraps it in a `WebInputError`, which words
/// it and which each route answers with its own 400 (`invalid_request` at the OAuth endpoints, the
/// "Invalid request" page on the hosted pages).
public struct FormDecodingError: Error, Equatable {
    public enum Problem: Error, Equatable, Sendable {
        /// A `%` not followed by two hex digits.
        case badEscape
        /// Bytes that are not UTF-8 (after `%XX` decoding).
        case notUTF8
        /// NUL or another control character no parameter may hold (`ControlCharacters`).
        case controlCharacter
    }

    public let problem: Problem
    /// The parameter whose value was refused, as the request spelled it; nil when its name itself
    /// was. Input: `WebInputError` repeats it only when it is a name Gatehouse reads.
    public let parameter: String?

    public init(problem: Problem, parameter: String?) {
        self.problem = problem
        self.parameter = parameter
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
