/// The body of a revocation or introspection request, read once by the web layer: the token and
/// the optional `token_type_hint` (RFC 7009 §2.1, RFC 7662 §2.1).
///
/// The hint only saves a lookup elsewhere, and ours are cheap: an access token is a JWS we can
/// verify, a refresh token is not. So the hint is read but never decides anything, and an
/// unknown one is ignored (RFC 7009 §2.1: the server "MAY ignore" it), never an error.
public struct PresentedToken: Sendable, Equatable {
    public var token: String
    public var typeHint: String?

    public init(token: String, typeHint: String?) {
        self.token = token
        self.typeHint = typeHint
    }
}
