/// Request parameters as they arrived (query or form), in order, with repeats kept so the
/// "MUST NOT be included more than once" rule (RFC 6749 §3.1, §3.2) can be enforced.
///
/// The web layer decodes them (`FormEncoding`, in GatehouseWeb) and reads most requests into
/// typed values (`TokenRequest`, `ClientCredentials`, `PresentedToken`, `EndSessionRequest`).
/// The type stays in Core for the authorization request, whose rules are about parameters as
/// sent and in an order the spec fixes: caps before any lookup (`AuthorizationParameterLimits`),
/// a repeated `client_id` or `redirect_uri` shown, any other repeat redirected
/// (`AuthorizationRequestValidator`).
public struct RequestParameters: Sendable {
    public let pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// The value of a parameter; an empty value counts as absent (RFC 6749 §3.1).
    public subscript(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Names that appear more than once.
    public var repeatedNames: [String] {
        var seen = Set<String>()
        var repeated: [String] = []
        for pair in pairs where !seen.insert(pair.name).inserted && !repeated.contains(pair.name) {
            repeated.append(pair.name)
        }
        return repeated
    }
}
