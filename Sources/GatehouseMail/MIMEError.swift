/// Why a message could not be written. Each is permanent for that message: retrying it would
/// fail the same way, so the sender gives up at once.
public enum MIMEError: Error, Equatable, CustomStringConvertible {
    /// A CR or LF in a header value: it would let the value start a header of its own.
    case lineBreakInHeader(field: String)
    /// Not a plain ASCII `local@domain` address (quoted local parts and SMTPUTF8 are not used).
    case invalidAddress(field: String)
    case invalidMessageID

    public var description: String {
        switch self {
        case .lineBreakInHeader(let field): "the \(field) header contains a line break (refused: header injection)"
        case .invalidAddress(let field): "the \(field) address is not a plain ASCII email address"
        case .invalidMessageID: "the Message-ID is not of the form <id@host>"
        }
    }
}
