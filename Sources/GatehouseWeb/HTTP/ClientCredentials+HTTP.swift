import GatehouseCore

extension ClientCredentials {
    /// Reads the client's credentials from the Authorization header value and the form (RFC 6749
    /// §2.3.1): HTTP Basic, `client_secret_post`, or a public client's bare `client_id`. Using two
    /// methods at once is refused (§2.3). Runs on every token request, so the header is read on
    /// UTF-8 bytes rather than through Foundation's lowercasing, trimming and base64.
    public init(authorization header: String?, form: RequestParameters) throws(OAuthError) {
        if let header, let token = Self.basicToken(header) {
            if form["client_secret"] != nil {
                throw OAuthError(.invalidRequest, .twoAuthenticationMethods)
            }
            // base64 of urlencode(id) ":" urlencode(secret) (RFC 6749 §2.3.1); an id may not hold a
            // raw ':', a secret may.
            guard let decoded = Base64Standard.decode(token),
                  let colon = decoded.utf8.firstIndex(of: UInt8(ascii: ":")),
                  let id = FormEncoding.decodeComponent(decoded[..<colon]),
                  let secret = FormEncoding.decodeComponent(decoded[decoded.utf8.index(after: colon)...]),
                  !id.isEmpty else {
                throw OAuthError(.invalidClient, .malformedBasicCredentials)
            }
            if let formID = form["client_id"], formID != id {
                throw OAuthError(.invalidRequest, .clientIDMismatch)
            }
            self.init(clientID: id, secret: secret, method: .basic)
            return
        }
        guard let id = form["client_id"] else {
            throw OAuthError(.invalidClient, .clientAuthenticationRequired)
        }
        if let secret = form["client_secret"] {
            self.init(clientID: id, secret: secret, method: .post)
        } else {
            self.init(clientID: id, secret: nil, method: .none)
        }
    }

    /// The credentials of a `Basic` Authorization header, whitespace around them removed; nil
    /// for any other scheme. The scheme is case-insensitive (RFC 9110 §11.1) and followed by
    /// one space.
    private static func basicToken(_ header: String) -> Substring? {
        let scheme = "basic ".utf8
        let utf8 = header.utf8
        var index = utf8.startIndex
        for expected in scheme {
            guard index < utf8.endIndex else { return nil }
            // Setting 0x20 lowercases the letters; the space must be exact.
            let byte = expected == UInt8(ascii: " ") ? utf8[index] : utf8[index] | 0x20
            guard byte == expected else { return nil }
            utf8.formIndex(after: &index)
        }
        return Whitespace.trimming(header[index...])
    }
}
