import GatehouseCore

/// `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme in any case, whitespace around the
/// token ignored): the one reading of the header for `/userinfo`, `/events`, `/api/v1` and
/// `/metrics`.
enum BearerAuthorization {
    /// The token of a header that uses the Bearer scheme (possibly empty); nil for any other scheme.
    static func token(_ header: String) -> String? {
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return header.dropFirst(7).trimmingCharacters(in: .whitespaces)
    }

    /// The token, or the protected resources' answer to another scheme.
    static func requiredToken(_ header: String) throws(OAuthError) -> String {
        guard let token = token(header) else { throw OAuthError(.invalidRequest, .notBearerScheme) }
        return token
    }
}
