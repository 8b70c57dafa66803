/// What is wrong with a request's own input (its body, query or path), before Core is asked.
enum APIInputError: Error, Equatable, Sendable {
    case bodyTooLarge(limit: Int)
    case notJSON
    /// Not UTF-8, not JSON, or not one JSON object.
    case malformedBody
    case unknownField(String)
    case missingField(String)
    /// A field of the wrong JSON type, a string with a NUL or other control character where none
    /// belongs, or a value outside the field's vocabulary.
    case invalidField(String)
    case invalidQuery(String)
    /// A header the operation reads (`If-Match`) that does not parse.
    case invalidHeader(String)
    /// A path id that is not a UUID: answered like an unknown one.
    case unknownID
}
